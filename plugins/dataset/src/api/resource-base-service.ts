import {
  accessibleResources,
  listWhere,
  decideOnRows,
  Errors,
  hasOrgRole,
  RESOURCE_ACTIONS,
  RESOURCE_RELATIONS,
  ResourceService,
  type ListQuery,
  type Prisma,
  type ResourceAction,
  type ResourceRecord,
  type ServiceContext,
  type StorageDriver,
} from "@assets/core";
import { removeOwnedFiles } from "../operations/copy-resource.js";
import { MANAGEMENT_FIELDS, type DatasetPatch } from "./dataset-input.js";
import { resolveElementFilters } from "./element-filters.js";
import { RESOURCE_BASE_FIELDS } from "./geonode-fields.js";
import type { ResourceView, ViewOptions } from "./resource-view.js";

/** Resource type keys the GeoNode profile serves, by GeoNode's `resource_type`. */
export const GEONODE_TYPES = { dataset: "dataset", document: "document" } as const;
export type GeonodeType = keyof typeof GEONODE_TYPES;

/** Which resources an endpoint serves: `/resources/` every GeoNode type, `/datasets/` and `/documents/` one. */
export function typeScope(type: GeonodeType | null): Prisma.ResourceWhereInput {
  return { type: type ? GEONODE_TYPES[type] : { in: Object.values(GEONODE_TYPES) } };
}

/** The resource columns a GeoNode write may set (GeoNode's names already mapped). */
export interface ResourceBasePatch {
  name?: string;
  description?: string;
  tags?: string[];
  extra_metadata?: Record<string, unknown>;
  /** Columns of the resource's Dataset row (made when the resource has none yet). */
  dataset?: DatasetPatch;
}

/** A new resource from `POST /resources/`. */
export interface ResourceBaseCreate extends ResourceBasePatch {
  name: string;
  type: GeonodeType;
  /** The new resource's uuid (GeoNode's resource-service `uuid` parameter); else a new one. */
  uuid?: string;
}

/**
 * GeoNode's resource reads and writes over the core's ResourceService: the
 * permission filter is part of every query, so a list counts and pages only
 * what the caller may view and an unreadable resource is a 404.
 */
export class ResourceBaseService {
  private readonly resources = new ResourceService({ fields: RESOURCE_BASE_FIELDS });

  /** `storage`: where a deleted copy's files are removed from (without it, deletes leave files alone). */
  constructor(private readonly storage?: StorageDriver) {}

  async list(ctx: ServiceContext, query: ListQuery, scope: Prisma.ResourceWhereInput, options: ViewOptions = {}): Promise<{ rows: ResourceView[]; total: number }> {
    const page = await this.resources.list(ctx, await resolveElementFilters(ctx.db, query), scope);
    return { rows: await this.views(ctx, page.rows, options), total: page.total };
  }

  async get(ctx: ServiceContext, id: string, scope: Prisma.ResourceWhereInput, options: ViewOptions = {}): Promise<ResourceView> {
    return this.view(ctx, await this.resources.get(ctx, id, scope), options);
  }

  /** The row of a resource of `scope` the caller may view and do `action` on: 404 if unseen, 403 if not allowed. */
  async authorize(ctx: ServiceContext, id: string, action: ResourceAction, scope: Prisma.ResourceWhereInput): Promise<ResourceRecord> {
    return this.resources.authorize(ctx, id, action, scope);
  }

  /** How many resources of `scope` the caller may view (Hidden ones left out, as in lists). */
  async count(ctx: ServiceContext, scope: Prisma.ResourceWhereInput): Promise<number> {
    return ctx.db.resource.count({ where: { AND: [scope, { access_modifier: { not: "Hidden" } }, accessibleResources(ctx.ability, "view")] } });
  }

  /** The resources of one GeoNode type (or all) the caller may see in a list: the filter facets and favourites count with. */
  visibleWhere(ctx: ServiceContext, type: GeonodeType | null): Prisma.ResourceWhereInput {
    return { AND: [typeScope(type), { access_modifier: { not: "Hidden" } }, accessibleResources(ctx.ability, "view")] };
  }

  async update(ctx: ServiceContext, id: string, patch: ResourceBasePatch, scope: Prisma.ResourceWhereInput, options: ViewOptions = {}): Promise<ResourceView> {
    const { dataset, ...resource } = patch;
    const row = dataset ? await this.resources.authorize(ctx, id, "change_metadata", scope) : null;
    const typeData = row && dataset ? { dataset: datasetUpsert(row, await this.managed(ctx, row, dataset)) } : {};
    return this.view(ctx, await this.resources.update(ctx, id, resource, typeData, scope), options);
  }

  /** Deletes the resource, then the files it owned alone (see {@link removeOwnedFiles}). */
  async delete(ctx: ServiceContext, id: string, scope: Prisma.ResourceWhereInput): Promise<void> {
    const row = await this.resources.authorize(ctx, id, "delete", scope);
    const files = await this.filesOf(ctx, [row.id]);
    await this.resources.delete(ctx, id, scope);
    await this.removeFiles(ctx, files);
  }

  /** Bulk create: every resource or none (one transaction), owned by the caller. */
  async createMany(ctx: ServiceContext, inputs: readonly ResourceBaseCreate[]): Promise<ResourceView[]> {
    if (ctx.principal.kind !== "user") throw Errors.UNAUTHENTICATED({ detail: "Authentication credentials were not provided." });
    if (!ctx.ability.can("create", "Resource")) throw Errors.FORBIDDEN({ detail: "You do not have permission to perform this action." });
    const { id: ownerId, isSuperuser } = ctx.principal;
    const rows = await ctx.db.$transaction(
      inputs.map((input) =>
        ctx.db.resource.create({
          data: {
            type: GEONODE_TYPES[input.type],
            name: input.name,
            description: input.description ?? "",
            tags: input.tags ?? [],
            extra_metadata: (input.extra_metadata ?? {}) as Prisma.InputJsonValue,
            owner_id: ownerId,
            ...(input.uuid && { uuid: input.uuid }),
            ...(input.dataset && { dataset: { create: newDataset(isSuperuser, input.type, input.dataset) } }),
          },
          include: RESOURCE_RELATIONS,
        }),
      ),
    );
    return this.views(ctx, rows as ResourceRecord[]);
  }

  /**
   * Bulk update by id: each must be one the caller may change (404 if they
   * cannot see it, 403 if they can but may not change it) before any is
   * written; then all are written in one transaction.
   */
  async updateMany(ctx: ServiceContext, patches: readonly { id: string; patch: ResourceBasePatch }[], scope: Prisma.ResourceWhereInput): Promise<ResourceView[]> {
    const rows: ResourceRecord[] = [];
    for (const { id } of patches) rows.push(await this.resources.authorize(ctx, id, "change_metadata", scope));
    const guard = accessibleResources(ctx.ability, "change_metadata");
    const datasets = await Promise.all(patches.map(({ patch }, i) => (patch.dataset ? this.managed(ctx, rows[i]!, patch.dataset) : null)));
    await ctx.db.$transaction(
      patches.flatMap(({ patch: { dataset: _dataset, ...resource } }, i) => {
        const row = rows[i]!;
        const update = ctx.db.resource.updateMany({ where: { AND: [{ id: row.id }, guard] }, data: resource as Prisma.ResourceUpdateManyMutationInput });
        const dataset = datasets[i];
        return dataset ? [update, ctx.db.dataset.upsert({ where: { resource_id: row.id }, create: { resource_id: row.id, ...datasetUpsert(row, dataset).upsert.create }, update: dataset })] : [update];
      }),
    );
    return Promise.all(rows.map((row) => this.get(ctx, String(row.id), scope)));
  }

  /** Bulk delete by id: all checked first (404/403), then deleted in one statement. */
  async deleteMany(ctx: ServiceContext, ids: readonly string[], scope: Prisma.ResourceWhereInput): Promise<number> {
    const rows: ResourceRecord[] = [];
    for (const id of ids) rows.push(await this.resources.authorize(ctx, id, "delete", scope));
    const files = await this.filesOf(ctx, rows.map((r) => r.id));
    const { count } = await ctx.db.resource.deleteMany({ where: { AND: [{ id: { in: rows.map((r) => r.id) } }, accessibleResources(ctx.ability, "delete")] } });
    await this.removeFiles(ctx, files);
    return count;
  }

  /** The stored files of the resources' Dataset rows. */
  private async filesOf(ctx: ServiceContext, ids: number[]): Promise<(string | null)[]> {
    const rows = await ctx.db.dataset.findMany({ where: { resource_id: { in: ids } }, select: { storage_key: true, thumbnail_key: true } });
    return rows.flatMap((r) => [r.storage_key, r.thumbnail_key]);
  }

  private async removeFiles(ctx: ServiceContext, keys: readonly (string | null)[]): Promise<void> {
    if (this.storage) await removeOwnedFiles(this.storage, keys, ctx.log);
  }

  /**
   * dynamic-rest's `patch-all`: one UPDATE of every resource that matches the
   * query's filter, that the caller may view and may change; the count is
   * what was written.
   */
  async patchAll(ctx: ServiceContext, query: ListQuery, patch: ResourceBasePatch, scope: Prisma.ResourceWhereInput): Promise<number> {
    const where = listWhere(ctx.db.resource, RESOURCE_BASE_FIELDS, await resolveElementFilters(ctx.db, query));
    if (ctx.principal.kind !== "user") throw Errors.UNAUTHENTICATED({ detail: "Authentication credentials were not provided." });
    const filter = { AND: [where, scope, { access_modifier: { not: "Hidden" as const } }, accessibleResources(ctx.ability, "view"), accessibleResources(ctx.ability, "change_metadata")] };
    const { dataset, ...resource } = patch;
    if (!dataset) {
      const [result] = await ctx.db.$transaction([ctx.db.resource.updateMany({ where: filter, data: resource as Prisma.ResourceUpdateManyMutationInput })]);
      return result.count;
    }
    // Dataset columns: the matching rows are read in the transaction, their Dataset rows made where
    // missing, then written in groups that share what the caller may change on them.
    return ctx.db.$transaction(async (tx) => {
      const rows = (await tx.resource.findMany({ where: filter })) as ResourceRecord[];
      const ids = rows.map((r) => r.id);
      if (Object.keys(resource).length > 0) await tx.resource.updateMany({ where: { id: { in: ids } }, data: resource as Prisma.ResourceUpdateManyMutationInput });
      await tx.dataset.createMany({ data: rows.map((row) => ({ resource_id: row.id, ...datasetUpsert(row, {}).upsert.create })), skipDuplicates: true });
      const groups = new Map<string, { patch: DatasetPatch; ids: number[] }>();
      for (const [i, allowed] of (await this.managedMany(ctx, rows, dataset)).entries()) {
        const key = JSON.stringify(Object.keys(allowed));
        const group = groups.get(key) ?? groups.set(key, { patch: allowed, ids: [] }).get(key)!;
        group.ids.push(rows[i]!.id);
      }
      for (const { patch: data, ids: group } of groups.values()) if (Object.keys(data).length > 0) await tx.dataset.updateMany({ where: { resource_id: { in: group } }, data });
      return rows.length;
    });
  }

  /**
   * GeoNode's `ResourceManagementField`s: a flag the caller may not change keeps its value,
   * silently. `featured` needs a superuser (GeoNode: staff), `is_approved` a superuser or an
   * admin of the resource's organisation (GeoNode: staff or a manager of its group), and
   * `is_published` the publish permission.
   */
  private async managed(ctx: ServiceContext, row: ResourceRecord, patch: DatasetPatch): Promise<DatasetPatch> {
    return (await this.managedMany(ctx, [row], patch))[0]!;
  }

  /** {@link managed} for each of `rows`, with one permission query at most. */
  private async managedMany(ctx: ServiceContext, rows: readonly ResourceRecord[], patch: DatasetPatch): Promise<DatasetPatch[]> {
    const superuser = ctx.principal.kind === "user" && ctx.principal.isSuperuser;
    const ids = rows.map((r) => r.id);
    const publishable = patch.is_published === undefined ? new Set<number>() : (decideOnRows(ctx.ability, "publish", rows) ?? (await this.resources.allowedIds(ctx, "publish", ids)));
    return rows.map((row) => {
      const may: Record<(typeof MANAGEMENT_FIELDS)[number], boolean> = {
        featured: superuser,
        is_approved: superuser || hasOrgRole(ctx.principal, row.organisation_id, "admin"),
        is_published: publishable.has(row.id),
      };
      const out = { ...patch };
      for (const field of MANAGEMENT_FIELDS) if (!may[field]) delete out[field];
      return out;
    });
  }

  /** The view of one row the caller may already see (after a write, or one found by another query). */
  async view(ctx: ServiceContext, row: ResourceRecord, options: ViewOptions = {}): Promise<ResourceView> {
    return (await this.views(ctx, [row], options))[0]!;
  }

  /**
   * Each row with its Dataset half, the caller's actions (decided on the rows
   * when the rules allow, else by the database) and favourite flag: a fixed
   * number of queries per page, whatever its size.
   */
  async views(ctx: ServiceContext, rows: readonly ResourceRecord[], options: ViewOptions = {}): Promise<ResourceView[]> {
    const ids = rows.map((r) => r.id);
    const allowed = new Map<ResourceAction, ReadonlySet<number>>();
    const [datasets] = await Promise.all([
      ids.length ? ctx.db.dataset.findMany({ where: { resource_id: { in: ids } }, include: { attribute_set: options.attributes ? { orderBy: { display_order: "asc" } } : false } }) : [],
      ...RESOURCE_ACTIONS.map(async (action) => {
        allowed.set(action, decideOnRows(ctx.ability, action, rows) ?? (await this.resources.allowedIds(ctx, action, ids)));
      }),
    ]);
    const byResource = new Map(datasets.map((d) => [d.resource_id, d]));
    const favorites = await this.favoriteIds(ctx, datasets.map((d) => d.id));
    return rows.map((row) => {
      const found = byResource.get(row.id);
      const { attribute_set: attributes = [], ...dataset } = found ?? { attribute_set: [] };
      return {
        row,
        resourceType: row.type,
        dataset: found ? (dataset as Omit<typeof found, "attribute_set">) : null,
        attributes,
        actions: RESOURCE_ACTIONS.filter((action) => allowed.get(action)!.has(row.id)),
        favorite: found ? favorites.has(found.id) : false,
      };
    });
  }

  /** Which of the datasets the signed-in caller marked as favourite (none for anonymous callers). */
  private async favoriteIds(ctx: ServiceContext, datasetIds: number[]): Promise<ReadonlySet<number>> {
    if (ctx.principal.kind !== "user" || datasetIds.length === 0) return new Set();
    const rows = await ctx.db.datasetFavorite.findMany({ where: { user_id: ctx.principal.id, dataset_id: { in: datasetIds } }, select: { dataset_id: true } });
    return new Set(rows.map((r) => r.dataset_id));
  }
}

/** The Dataset row of a new resource: its creator may publish it; approving and featuring stay a superuser's. */
function newDataset(superuser: boolean, type: GeonodeType, patch: DatasetPatch) {
  const { is_approved: _approved, featured: _featured, ...rest } = patch;
  return datasetUpsert({ type: GEONODE_TYPES[type] }, superuser ? patch : rest).upsert.create;
}

/** The nested write of a Dataset patch: the row is made (as `ensureDataset` makes it) when the resource has none. */
function datasetUpsert(row: Pick<ResourceRecord, "type">, patch: DatasetPatch) {
  return { upsert: { create: { subtype: row.type === GEONODE_TYPES.document ? "document" : "vector", ...patch }, update: patch } };
}
