import type { Prisma, ResourceReference, ServiceContext } from "@assets/core";
import { LIZARD_PREFIX } from "./lizard-urls.js";

/**
 * The raster layers and label types that render a source, for the core's
 * `/resources/:id/references`: all of them, as Lizard's `layers` and `labeltypes` list them
 * whether or not the caller may read each.
 */
export async function rasterReferences(ctx: ServiceContext, resource: { id: number }): Promise<ResourceReference[]> {
  const source = await ctx.db.rasterSource.findUnique({
    where: { resource_id: resource.id },
    select: {
      layers: { select: { uuid: true, name: true }, orderBy: { id: "asc" } },
      labeltypes: { select: { uuid: true, name: true }, orderBy: { id: "asc" } },
    },
  });
  if (!source) return [];
  return [
    ...source.layers.map((l) => ({ type: "raster_layer", id: l.uuid, name: l.name, path: `${LIZARD_PREFIX}/rasters/${l.uuid}/` })),
    ...source.labeltypes.map((l) => ({ type: "label_type", id: l.uuid, name: l.name, path: `${LIZARD_PREFIX}/labeltypes/${l.uuid}/` })),
  ];
}

/** A force-deleted source's layers and label types keep it in `deleted_sources`, as the Lizard profile's own force delete does. */
export async function detachRasterDependants(tx: Prisma.TransactionClient, resource: { id: number; uuid: string }): Promise<void> {
  const source = await tx.rasterSource.findUnique({ where: { resource_id: resource.id }, select: { id: true } });
  if (!source) return;
  const mark = { where: { source_id: source.id }, data: { deleted_sources: { push: resource.uuid } } };
  await tx.rasterLayer.updateMany(mark);
  await tx.labelType.updateMany(mark);
}
