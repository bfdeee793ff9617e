import type { Readable } from "node:stream";
import { Errors, type ServiceContext, type StorageDriver } from "@assets/core";
import { typeScope, type ResourceBaseService } from "./resource-base-service.js";

/** A stored object to send: its stream, type and the name it is sent under. */
export interface StoredObject {
  body: Readable;
  contentType: string;
  filename: string;
  size: number | null;
}

const ANY_TYPE = typeScope(null);

/**
 * The files behind a GeoNode resource's URLs: `thumbnail_url` (view
 * permission) and the `links` download (download permission), read through
 * the storage driver. An unreadable resource is a 404, a readable one without
 * the download permission a 403, a resource without the file a 404.
 */
export class ResourceFileService {
  constructor(
    private readonly resources: ResourceBaseService,
    private readonly storage: StorageDriver,
  ) {}

  async thumbnail(ctx: ServiceContext, id: string): Promise<StoredObject> {
    const row = await this.resources.authorize(ctx, id, "view", ANY_TYPE);
    const dataset = await ctx.db.dataset.findUnique({ where: { resource_id: row.id }, select: { thumbnail_key: true } });
    if (!dataset?.thumbnail_key) throw Errors.NOT_FOUND({ detail: "This resource has no thumbnail." });
    return this.open(dataset.thumbnail_key, "image/png", `${row.id}-thumb.png`);
  }

  async download(ctx: ServiceContext, id: string): Promise<StoredObject> {
    const row = await this.resources.authorize(ctx, id, "download", ANY_TYPE);
    const dataset = await ctx.db.dataset.findUnique({ where: { resource_id: row.id }, select: { storage_key: true, filename: true, mime_type: true } });
    if (!dataset?.storage_key) throw Errors.NOT_FOUND({ detail: "This resource has no file to download." });
    return this.open(dataset.storage_key, dataset.mime_type ?? "application/octet-stream", dataset.filename ?? `${row.id}`);
  }

  private async open(key: string, contentType: string, filename: string): Promise<StoredObject> {
    const stat = await this.storage.stat(key);
    if (!stat) throw Errors.NOT_FOUND({ detail: "The stored file is missing." });
    return { body: await this.storage.get(key), contentType, filename, size: stat.size };
  }
}
