import { accessibleResources } from "../access/accessible.js";
import { Errors } from "../errors/index.js";
import type { ResourceReference } from "../plugins/types.js";
import { parseRowId } from "../query/parse-value.js";
import type { ServiceContext } from "../services/service-context.js";
import type { ResourceService } from "./resource-service.js";

/** One reference a resource makes: through `field`, to the resource `to`. */
export interface OutgoingReference {
  field: string;
  to: { id: number; type: string; name: string | null };
}

/** A field name as the referring resource's API has it (`hero_image`, `gallery.0`). */
export const REFERENCE_FIELD = /^[A-Za-z0-9_.-]{1,100}$/;

/** At most this many targets in one field. */
export const MAX_REFERENCES = 1000;

/**
 * The references resources make to each other through their fields (`ResourceUse`), the
 * generic half of "what depends on a resource": any client records them (a page's hero image),
 * whatever the types, and every type's `in_use` sees them. Names are shown only of resources the
 * caller may view; the references themselves are listed whoever may see the ends, as DatoCMS's
 * `in_use` counts records the caller cannot open.
 */
export class StoredReferences {
  constructor(private readonly resources: ResourceService) {}

  /** The references pointing at resource `id` (who refers to it, through which field). */
  incoming(ctx: ServiceContext, id: number): Promise<ResourceReference[]> {
    return resourcesUsing(ctx, id);
  }

  /** What a resource the caller may view refers to (404 otherwise). */
  async outgoing(ctx: ServiceContext, idOrUuid: string): Promise<OutgoingReference[]> {
    const from = await this.resources.get(ctx, idOrUuid);
    return this.of(ctx, from.id);
  }

  /**
   * Makes `field` of a resource the caller may change refer to exactly `targets` (ids, in order
   * given; none clears it). Each target must be a resource the caller may view: one that is not is
   * refused as unknown, naming its place in the body.
   */
  async set(ctx: ServiceContext, idOrUuid: string, field: string, targets: readonly string[]): Promise<OutgoingReference[]> {
    if (!REFERENCE_FIELD.test(field)) throw Errors.INVALID_PARAMETER({ detail: "A field is 1 to 100 letters, digits, '_', '.' or '-'", source: { parameter: "field" } });
    const from = await this.resources.authorize(ctx, idOrUuid, "change_metadata");
    const ids = targets.map((target) => parseRowId(target));
    const unique = [...new Set(ids.filter((id): id is number => id !== null))];
    const found = await this.viewable(ctx, unique);
    const missing = ids.findIndex((id) => id === null || !found.has(id));
    if (missing >= 0) throw Errors.INVALID_BODY({ detail: `Resource '${targets[missing]}' does not exist or you may not view it`, source: { pointer: `/data/${missing}/id` } });
    await ctx.db.$transaction([
      ctx.db.resourceUse.deleteMany({ where: { from_id: from.id, field } }),
      ctx.db.resourceUse.createMany({ data: unique.map((to_id) => ({ from_id: from.id, field, to_id })) }),
    ]);
    return (await this.of(ctx, from.id)).filter((reference) => reference.field === field);
  }

  private async of(ctx: ServiceContext, fromId: number): Promise<OutgoingReference[]> {
    const rows = await ctx.db.resourceUse.findMany({
      where: { from_id: fromId },
      orderBy: [{ field: "asc" }, { id: "asc" }],
      select: { field: true, to: { select: { id: true, type: true, name: true } } },
    });
    const visible = await this.viewable(ctx, rows.map((row) => row.to.id));
    return rows.map(({ field, to }) => ({ field, to: { id: to.id, type: to.type, name: visible.has(to.id) ? to.name : null } }));
  }

  private viewable(ctx: ServiceContext, ids: number[]): Promise<Set<number>> {
    return viewable(ctx, ids);
  }
}

/**
 * The recorded references to resource `id` (by whom, through which field), the referrer's type
 * and id always, its name and path only when the caller may view it. For a profile that renders
 * them in its own shape (DatoCMS's `GET /uploads/:id/references`).
 */
export async function resourcesUsing(ctx: ServiceContext, id: number): Promise<ResourceReference[]> {
  const rows = await ctx.db.resourceUse.findMany({
    where: { to_id: id },
    orderBy: [{ from_id: "asc" }, { field: "asc" }],
    select: { field: true, from: { select: { id: true, type: true, name: true } } },
  });
  const visible = await viewable(ctx, rows.map((row) => row.from.id));
  return rows.map(({ field, from }) => ({ type: from.type, id: String(from.id), field, name: visible.has(from.id) ? from.name : null, path: visible.has(from.id) ? `/resources/${from.id}` : null }));
}

async function viewable(ctx: ServiceContext, ids: number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await ctx.db.resource.findMany({ where: { AND: [{ id: { in: ids } }, accessibleResources(ctx.ability, "view")] }, select: { id: true } });
  return new Set(rows.map((row) => row.id));
}
