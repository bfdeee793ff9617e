import {
  Errors,
  PermissionService,
  ResourceService,
  toCompact,
  type CompactPermSpec,
  type Prisma,
  type ServiceContext,
} from "@assets/core";
import { addEntries, filterEntries, removeEntries, replaceEntries, storedEntries, withEntries, type ExtraMetadataEntry } from "./extra-metadata.js";
import { RESOURCE_BASE_FIELDS } from "./geonode-fields.js";
import { GEONODE_TYPES, typeScope, type ResourceBaseService } from "./resource-base-service.js";
import { resourceTypeEntry, type ResourceTypeEntry } from "./resource-types.js";

const ANY_TYPE = typeScope(null);
/** Attempts of an extra-metadata write that lost a race with another write of the same resource. */
const WRITE_ATTEMPTS = 5;

/**
 * The per-resource actions of GeoNode's `/resources/`: resource_types,
 * extra_metadata and permissions, each inside the caller's permissions (an
 * unreadable resource is a 404, a readable one they may not change a 403).
 */
export class ResourceActionService {
  private readonly permissions = new PermissionService(new ResourceService({ fields: RESOURCE_BASE_FIELDS }));

  constructor(private readonly resources: ResourceBaseService) {}

  /** Each GeoNode type with how many of its resources the caller may view. */
  async resourceTypes(ctx: ServiceContext): Promise<ResourceTypeEntry[]> {
    const types = Object.keys(GEONODE_TYPES) as (keyof typeof GEONODE_TYPES)[];
    const counts = await Promise.all(types.map((type) => this.resources.count(ctx, typeScope(type))));
    return types.map((type, i) => resourceTypeEntry(type, counts[i]!));
  }

  async extraMetadata(ctx: ServiceContext, id: string, filters: URLSearchParams): Promise<ExtraMetadataEntry[]> {
    const row = await this.resources.authorize(ctx, id, "view", ANY_TYPE);
    return filterEntries(storedEntries(row.extra_metadata), filters);
  }

  /**
   * Rewrites the entries with `change`, guarded by the row's `updated_at` so
   * two concurrent writes cannot drop each other's entries (a lost race reads again).
   */
  async changeExtraMetadata(ctx: ServiceContext, id: string, change: (entries: ExtraMetadataEntry[]) => ExtraMetadataEntry[]): Promise<ExtraMetadataEntry[]> {
    for (let attempt = 1; ; attempt++) {
      const row = await this.resources.authorize(ctx, id, "change_metadata", ANY_TYPE);
      const entries = change(storedEntries(row.extra_metadata));
      const data: Prisma.ResourceUpdateManyMutationInput = { extra_metadata: withEntries(row.extra_metadata, entries) as Prisma.InputJsonValue };
      const { count } = await ctx.db.resource.updateMany({ where: { id: row.id, updated_at: row.updated_at }, data });
      if (count === 1) return entries;
      if (attempt === WRITE_ATTEMPTS) throw Errors.CONFLICT({ detail: "The resource kept changing while its metadata was written; try again." });
    }
  }

  addExtraMetadata(ctx: ServiceContext, id: string, added: Record<string, unknown>[]) {
    return this.changeExtraMetadata(ctx, id, (entries) => addEntries(entries, added));
  }

  replaceExtraMetadata(ctx: ServiceContext, id: string, updates: Record<string, unknown>[]) {
    return this.changeExtraMetadata(ctx, id, (entries) => replaceEntries(entries, updates));
  }

  removeExtraMetadata(ctx: ServiceContext, id: string, ids: number[]) {
    return this.changeExtraMetadata(ctx, id, (entries) => removeEntries(entries, ids));
  }

  /** GeoNode 4's compact perm_spec; reading it needs change_permissions, as GeoNode's. */
  async permissionsOf(ctx: ServiceContext, id: string): Promise<CompactPermSpec> {
    await this.resources.authorize(ctx, id, "view", ANY_TYPE);
    const spec = await this.permissions.get(ctx, id);
    return toCompact(spec.entries, spec.ownerId);
  }

  /** PUT replaces, PATCH merges, DELETE resets the explicit grants; the answer is the new compact spec. */
  async setPermissions(ctx: ServiceContext, id: string, how: "replace" | "merge" | "reset", body: unknown): Promise<CompactPermSpec> {
    await this.resources.authorize(ctx, id, "view", ANY_TYPE);
    const spec = how === "reset" ? await this.permissions.reset(ctx, id) : how === "replace" ? await this.permissions.replace(ctx, id, body) : await this.permissions.merge(ctx, id, body);
    return toCompact(spec.entries, spec.ownerId);
  }
}
