import { Errors, UploadService, type ListQuery, type Prisma, type RasterSource, type ResourceRecord, type ResourceService, type ServiceContext, type Upload } from "@assets/core";
import { RASTER_SOURCE_TYPE } from "../model/raster-source-type.js";
import { invalidFields } from "@assets/drf";
import type { RasterSourceCreate, RasterSourcePatch } from "./rastersource-input.js";


const SCOPE: Prisma.ResourceWhereInput = { type: RASTER_SOURCE_TYPE };

/** A raster source as the Lizard API renders it: the resource, its own record and what uses it. */
export interface RasterSourceView {
  resource: ResourceRecord;
  /** Null for a `raster_source` resource whose own record was never written. */
  raster: RasterSource | null;
  /** Uuids of the layers and label types that use the source, whether or not the caller may read them (as Lizard lists them). */
  layers: string[];
  labeltypes: string[];
  writable: boolean;
}

/** The type's own record on a resource loaded with `include: { raster_source: true }`. */
function rasterOf(resource: ResourceRecord): RasterSource | null {
  return (resource.raster_source as RasterSource | null | undefined) ?? null;
}

/** The raster-source columns a Lizard write sets. */
function rasterData(input: RasterSourcePatch): Prisma.RasterSourceUncheckedUpdateInput & Prisma.RasterSourceCreateWithoutResourceInput {
  return {
    ...(input.supplier_code !== undefined && { supplier_code: input.supplier_code }),
    ...(input.temporal !== undefined && { temporal: input.temporal }),
    ...(input.interval !== undefined && { interval_seconds: input.interval }),
  };
}

/**
 * Raster sources through the core's ResourceService: every read and write
 * runs inside the caller's CASL permissions in SQL, so a source the caller
 * may not view is a 404 and one they may not change is a 403.
 */
export class RasterSourceService {
  constructor(
    private readonly resources: ResourceService,
    private readonly uploads: UploadService = new UploadService(),
  ) {}

  async list(ctx: ServiceContext, query: ListQuery): Promise<{ rows: RasterSourceView[]; total: number }> {
    const page = await this.resources.list(ctx, query, SCOPE);
    return { rows: await this.views(ctx, page.rows, page.writable), total: page.total };
  }

  async get(ctx: ServiceContext, uuid: string): Promise<RasterSourceView> {
    return this.view(ctx, await this.resources.get(ctx, uuid, SCOPE));
  }

  /** Creates the resource and its raster-source record in one insert. */
  async create(ctx: ServiceContext, input: RasterSourceCreate): Promise<RasterSourceView> {
    const organisationId = await this.organisationId(ctx, input.organisation);
    const row = await this.resources.create(
      ctx,
      { type: RASTER_SOURCE_TYPE, name: input.name, description: input.description, access_modifier: input.access_modifier, organisation_id: organisationId },
      { raster_source: { create: rasterData(input) } },
    );
    return this.view(ctx, row);
  }

  /** PATCH and PUT. The organisation is fixed at creation; naming another one is a 400. */
  async update(ctx: ServiceContext, uuid: string, input: RasterSourcePatch): Promise<RasterSourceView> {
    if (input.organisation !== undefined) {
      const [current, wanted] = await Promise.all([this.resources.get(ctx, uuid, SCOPE), this.organisationId(ctx, input.organisation)]);
      if (current.organisation_id !== wanted) throw invalidFields({ organisation: ["The organisation of a raster source cannot be changed."] });
    }
    const data = rasterData(input);
    // upsert: a source created through the generic API has no record of its own yet. Prisma
    // bumps `updated_at` only when a Resource column changes, so a raster-only change sets it.
    const typeData = Object.keys(data).length > 0 ? { updated_at: new Date(), raster_source: { upsert: { create: data, update: data } } } : {};
    const patch = { name: input.name, description: input.description, access_modifier: input.access_modifier };
    return this.view(ctx, await this.resources.update(ctx, uuid, patch, typeData, SCOPE));
  }

  /**
   * Deletes a source the caller may delete. Unless `force`, a source still
   * used by layers or label types is refused (409); the check and the delete
   * are one statement, so a layer added meanwhile cannot be orphaned. With
   * `force`, its layers and label types stay, without source, and name it in
   * their `deleted_sources`.
   */
  async delete(ctx: ServiceContext, uuid: string, force: boolean): Promise<void> {
    const row = await this.resources.authorize(ctx, uuid, "delete", SCOPE);
    if (force) {
      // The dependants stay, and list the source in `deleted_sources` (the same transaction).
      const raster = rasterOf(row);
      const mark = raster && { where: { source_id: raster.id }, data: { deleted_sources: { push: row.uuid } } };
      const marks = mark ? [ctx.db.rasterLayer.updateMany(mark), ctx.db.labelType.updateMany(mark)] : [];
      await ctx.db.$transaction([...marks, ctx.db.resource.deleteMany({ where: { id: row.id } })]);
      return;
    }
    const unused: Prisma.ResourceWhereInput = {
      OR: [{ raster_source: { is: null } }, { raster_source: { is: { layers: { none: {} }, labeltypes: { none: {} } } } }],
    };
    const { count } = await ctx.db.resource.deleteMany({ where: { AND: [{ id: row.id }, unused] } });
    if (count > 0) return;
    const used = await ctx.db.rasterSource.findUnique({
      where: { resource_id: row.id },
      select: { _count: { select: { layers: true, labeltypes: true } } },
    });
    if (!used) throw Errors.NOT_FOUND({ detail: "Not found." });
    const { layers, labeltypes } = used._count;
    throw Errors.CONFLICT({
      detail:
        `This raster source is used by ${layers} layer(s) and ${labeltypes} label type(s); see its "layers" and "labeltypes". ` +
        `Send {"force": true} to delete it anyway, which breaks them.`,
    });
  }

  /** Uploads of a source the caller may view, inside the upload permissions. */
  async uploadsOf(ctx: ServiceContext, uuid: string, query: ListQuery): Promise<{ rows: Upload[]; total: number }> {
    const row = await this.resources.get(ctx, uuid, SCOPE);
    return this.uploads.list(ctx, query, { resource_id: row.id });
  }

  private async organisationId(ctx: ServiceContext, uuid: string): Promise<number> {
    const organisation = await ctx.db.organisation.findUnique({ where: { uuid }, select: { id: true } });
    if (!organisation) throw invalidFields({ organisation: [`Organisation with uuid ${uuid} does not exist.`] });
    return organisation.id;
  }

  private async view(ctx: ServiceContext, resource: ResourceRecord): Promise<RasterSourceView> {
    const writable = await this.resources.allowedIds(ctx, "change", [resource.id]);
    return (await this.views(ctx, [resource], writable))[0]!;
  }

  /** Adds each source's dependents, in one query for the whole page. */
  private async views(ctx: ServiceContext, rows: ResourceRecord[], writable: ReadonlySet<number>): Promise<RasterSourceView[]> {
    const rasterIds = rows.flatMap((row) => rasterOf(row)?.id ?? []);
    const dependents = rasterIds.length === 0
      ? []
      : await ctx.db.rasterSource.findMany({
          where: { id: { in: rasterIds } },
          select: { id: true, layers: { select: { uuid: true }, orderBy: { id: "asc" } }, labeltypes: { select: { uuid: true }, orderBy: { id: "asc" } } },
        });
    const byId = new Map(dependents.map((d) => [d.id, d]));
    return rows.map((resource) => {
      const raster = rasterOf(resource);
      const found = raster ? byId.get(raster.id) : undefined;
      return {
        resource,
        raster,
        layers: found?.layers.map((l) => l.uuid) ?? [],
        labeltypes: found?.labeltypes.map((l) => l.uuid) ?? [],
        writable: writable.has(resource.id),
      };
    });
  }
}
