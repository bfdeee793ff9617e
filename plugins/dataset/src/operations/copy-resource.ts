/**
 * GeoNode's `copy`: a new Resource owned by the caller (default permissions: theirs, no grants
 * copied) with a copy of the Dataset row and its attribute set, and of the stored files (the
 * data file and the thumbnail), streamed through storage under `copies/<new uuid>/`.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Prisma, ServiceContext, StorageDriver } from "@assets/core";

/** Storage key of a copied file: beside the copy, so deleting the copy can free it. */
export function copiedKey(uuid: string, key: string): string {
  return `copies/${uuid}/${key.split("/").pop() ?? "file"}`;
}

/** True for a key {@link copiedKey} made. */
export function isCopiedKey(key: string): boolean {
  return key.startsWith("copies/");
}

/** Where thumbnails set through the API live, one resource's each (the processor's sit under derivatives/). */
export const API_THUMBNAIL_PREFIX = "thumbnails/";

/** True for a key only its resource refers to: a copy's file, or a thumbnail set through the API. */
export function isOwnedKey(key: string): boolean {
  return isCopiedKey(key) || key.startsWith(API_THUMBNAIL_PREFIX);
}

/**
 * Removes, of a deleted resource's Dataset files, those it owned alone: a copy's (under
 * `copies/`) and a thumbnail set through the API; an upload's stay with the upload, which has
 * its own lifecycle. A failure is logged, not thrown: the resource is already gone, and what is
 * left is only unreferenced bytes.
 */
export async function removeOwnedFiles(storage: StorageDriver, keys: readonly (string | null | undefined)[], log: Logger): Promise<void> {
  for (const key of keys) {
    if (key && isOwnedKey(key)) await storage.delete(key).catch((error: unknown) => log.warn({ err: error, key }, "could not delete a copy's file"));
  }
}

/** Copies `key` to `target` by streaming it through storage. */
async function copyObject(storage: StorageDriver, key: string, target: string, signal: AbortSignal): Promise<void> {
  await storage.put(target, await storage.get(key), { signal });
}

/** Copies resource `sourceId` (already authorized for the caller); answers the copy's id and uuid. */
export async function copyResource(ctx: ServiceContext, storage: StorageDriver, sourceId: number, title: string | undefined, signal: AbortSignal): Promise<{ id: number; uuid: string }> {
  const source = await ctx.db.resource.findUniqueOrThrow({ where: { id: sourceId }, include: { dataset: { include: { attribute_set: true } } } });
  const uuid = randomUUID();
  const dataset = source.dataset;
  const copied: string[] = [];
  const keyOf = async (key: string | null) => {
    if (!key) return null;
    const target = copiedKey(uuid, key);
    await copyObject(storage, key, target, signal);
    copied.push(target);
    return target;
  };
  try {
    const storageKey = await keyOf(dataset?.storage_key ?? null);
    const thumbnailKey = await keyOf(dataset?.thumbnail_key ?? null);
    let datasetCreate: Prisma.DatasetCreateWithoutResourceInput | undefined;
    if (dataset) {
      const { id: _id, resource_id: _resource, attribute_set, alternate, ...columns } = dataset;
      datasetCreate = {
        ...columns,
        alternate: alternate ? `${alternate}_${uuid.slice(0, 8)}` : null,
        storage_key: storageKey,
        thumbnail_key: thumbnailKey,
        attribute_set: {
          create: attribute_set.map(({ id: _a, dataset_id: _d, unique_values, ...attribute }) => ({ ...attribute, unique_values: unique_values as Prisma.InputJsonValue })),
        },
      };
    }
    const owner = ctx.principal.kind === "user" ? ctx.principal.id : null;
    return await ctx.db.resource.create({
      data: {
        uuid,
        type: source.type,
        name: title ?? source.name,
        description: source.description,
        tags: source.tags,
        extra_metadata: source.extra_metadata as Prisma.InputJsonValue,
        owner_id: owner,
        ...(datasetCreate ? { dataset: { create: datasetCreate } } : {}),
      },
      select: { id: true, uuid: true },
    });
  } catch (error) {
    await Promise.all(copied.map((key) => storage.delete(key).catch(() => undefined)));
    throw error;
  }
}
