import { accessibleResources, listPage, Errors, type LabelType, type ListQuery, type Organisation, type Prisma, type RasterLayer, type ServiceContext } from "@assets/core";
import { RASTER_LAYER_FIELDS } from "./lizard-dialect.js";

/** A layer or label type with its source's uuid (null once the source is gone). */
export type WithSource<T> = T & { source: { resource: { uuid: string } } | null };
/** A layer with its organisation, looked up by id (the layer table has no relation to it). */
export interface LayerView {
  layer: WithSource<RasterLayer>;
  organisation: Organisation | null;
}

const WITH_SOURCE = { source: { select: { resource: { select: { uuid: true } } } } } as const;

/**
 * What may be seen of layers and label types: they inherit the permissions
 * of the source they render, as uploads inherit their resource's.
 */
function throughSource(ctx: ServiceContext): Prisma.RasterLayerWhereInput & Prisma.LabelTypeWhereInput {
  return { source: { is: { resource: { is: accessibleResources(ctx.ability, "view") } } } };
}

/**
 * A layer whose source was force-deleted stays readable, as in Lizard, by its
 * own access modifier and organisation, read as a resource's are: Public to
 * anyone, Common to signed-in users, Private to its organisation's members,
 * Hidden to its organisation's admins; superusers see every layer.
 */
function visibleLayers(ctx: ServiceContext): Prisma.RasterLayerWhereInput {
  const { principal } = ctx;
  if (principal.kind === "user" && principal.isSuperuser) return {};
  const orgs = (roles: readonly string[]) => (principal.kind === "user" ? principal.organisations.filter((m) => roles.includes(m.role)).map((m) => m.organisationId) : []);
  const own: Prisma.RasterLayerWhereInput[] = [
    { access_modifier: { in: principal.kind === "user" ? ["Public", "Common"] : ["Public"] } },
    { access_modifier: "Private", organisation_id: { in: orgs(["member", "editor", "admin"]) } },
    { access_modifier: "Hidden", organisation_id: { in: orgs(["admin"]) } },
  ];
  return { OR: [throughSource(ctx), { source_id: null, OR: own }] };
}

/** Label types have no permissions of their own: one that lost its source is for superusers only. */
function visibleLabelTypes(ctx: ServiceContext): Prisma.LabelTypeWhereInput {
  return ctx.principal.kind === "user" && ctx.principal.isSuperuser ? {} : throughSource(ctx);
}

/**
 * Reads of the objects that depend on raster sources (`/rasters/`,
 * `/labeltypes/`) and of organisations (`/organisations/`), so every link a
 * raster source renders resolves for whoever may follow it.
 */
export class DependentService {
  async listLayers(ctx: ServiceContext, query: ListQuery): Promise<{ rows: LayerView[]; total: number }> {
    const { rows, total } = await listPage(ctx.db.rasterLayer, query, { fields: RASTER_LAYER_FIELDS, where: [visibleLayers(ctx)], include: WITH_SOURCE });
    return { rows: await this.withOrganisations(ctx, rows), total };
  }

  async getLayer(ctx: ServiceContext, uuid: string): Promise<LayerView> {
    const row = await ctx.db.rasterLayer.findFirst({ where: { AND: [{ uuid }, visibleLayers(ctx)] }, include: WITH_SOURCE });
    if (!row) throw Errors.NOT_FOUND({ detail: "Not found." });
    return (await this.withOrganisations(ctx, [row]))[0]!;
  }

  async getLabelType(ctx: ServiceContext, uuid: string): Promise<WithSource<LabelType>> {
    const row = await ctx.db.labelType.findFirst({ where: { AND: [{ uuid }, visibleLabelTypes(ctx)] }, include: WITH_SOURCE });
    if (!row) throw Errors.NOT_FOUND({ detail: "Not found." });
    return row;
  }

  /**
   * An organisation by uuid. Signed-in users may read any (the core lists
   * them all to users); anonymous callers only one that owns a resource
   * they may view, i.e. one whose name they can already see.
   */
  async getOrganisation(ctx: ServiceContext, uuid: string): Promise<Organisation> {
    const seen: Prisma.OrganisationWhereInput = ctx.principal.kind === "user" ? {} : { resources: { some: accessibleResources(ctx.ability, "view") } };
    const row = await ctx.db.organisation.findFirst({ where: { AND: [{ uuid }, seen] } });
    if (!row) throw Errors.NOT_FOUND({ detail: "Not found." });
    return row;
  }

  private async withOrganisations(ctx: ServiceContext, layers: WithSource<RasterLayer>[]): Promise<LayerView[]> {
    const ids = [...new Set(layers.flatMap((l) => (l.organisation_id === null ? [] : [l.organisation_id])))];
    const organisations = ids.length === 0 ? [] : await ctx.db.organisation.findMany({ where: { id: { in: ids } } });
    const byId = new Map(organisations.map((o) => [o.id, o]));
    return layers.map((layer) => ({ layer, organisation: layer.organisation_id === null ? null : (byId.get(layer.organisation_id) ?? null) }));
  }
}
