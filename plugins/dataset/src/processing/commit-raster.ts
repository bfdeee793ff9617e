/**
 * The commit of a processed GeoTIFF: with the upload's state change, one transaction writes a
 * Resource of type `dataset` and its Dataset row of subtype raster (CRS, native and WGS84 bbox
 * from raster-source's metadata step, the thumbnail) and one attribute per band as GeoNode
 * lists a coverage's bands (attribute_type `raster`), with the statistics step's numbers.
 * An upload sent for an existing raster dataset (overwrite) replaces its summary.
 */
import { type CommitHook, Prisma, type Upload, UnrecoverableError } from "@assets/core";
import type { BandStatistics, RasterMetadata } from "@assets/geotiff";
import { metadataResult, statisticsResult } from "@assets/raster-source";
import { DATASET_TYPE, type DatasetSubtype } from "../model/dataset-type.js";
import { layerName, uniqueAlternate } from "./commit.js";
import type { StoredDatasetThumbnail } from "./dataset-processor.js";
import { applyFormGrants } from "./form-grants.js";
import { datasetUploadMetadata } from "./form-metadata.js";
import { RASTER_THUMBNAIL_STEP } from "./raster-thumbnail.js";

type Tx = Prisma.TransactionClient;

/** GeoNode's attribute_type of a coverage band. */
export const RASTER_ATTRIBUTE_TYPE = "raster";

/** A band's attribute name: GeoServer's for a GeoTIFF coverage (GRAY_INDEX for one band, Band1... for several). */
export function bandName(band: number, bandCount: number): string {
  return bandCount === 1 ? "GRAY_INDEX" : `Band${band}`;
}

const text = (value: number | null | undefined) => (value === null || value === undefined ? null : String(value));

function bandRows(metadata: RasterMetadata, bands: readonly BandStatistics[]): Prisma.DatasetAttributeCreateWithoutDatasetInput[] {
  return Array.from({ length: metadata.band_count }, (_, i) => {
    const stats = bands.find((b) => b.band === i + 1);
    return {
      attribute: bandName(i + 1, metadata.band_count),
      attribute_type: RASTER_ATTRIBUTE_TYPE,
      display_order: i + 1,
      count: stats?.valid_count ?? 0,
      min: text(stats?.min),
      max: text(stats?.max),
      average: text(stats?.mean),
      stddev: text(stats?.stddev),
      // Distinct values are not sketched for rasters.
      unique_complete: false,
    };
  });
}

/** The Dataset columns a raster's metadata fills. */
export function rasterColumns(metadata: RasterMetadata, upload: Upload, thumbnail: StoredDatasetThumbnail | undefined) {
  const { west, south, east, north } = metadata.spatial_bounds;
  return {
    subtype: "raster" satisfies DatasetSubtype,
    storage_key: upload.storage_key,
    filename: upload.filename,
    mime_type: upload.mime_type,
    format: "GTiff",
    srid: metadata.projection,
    crs_wkt: null,
    bbox_x0: metadata.origin_x, bbox_y0: metadata.origin_y, bbox_x1: metadata.upper_bound_x, bbox_y1: metadata.upper_bound_y,
    ll_bbox_x0: west, ll_bbox_y0: south, ll_bbox_x1: east, ll_bbox_y1: north,
    feature_count: null,
    geometry_type: null,
    thumbnail_key: thumbnail?.key ?? null,
  };
}

async function overwrite(tx: Tx, resourceId: number, columns: ReturnType<typeof rasterColumns>, bands: Prisma.DatasetAttributeCreateWithoutDatasetInput[]): Promise<number> {
  const resource = await tx.resource.findUnique({ where: { id: resourceId }, select: { type: true, dataset: { select: { id: true, subtype: true } } } });
  if (!resource) throw new UnrecoverableError(`Resource ${resourceId} no longer exists`);
  if (resource.type !== DATASET_TYPE || !resource.dataset) throw new UnrecoverableError(`Resource ${resourceId} is a ${resource.type}, not a dataset`);
  if (resource.dataset.subtype !== "raster") throw new UnrecoverableError(`Resource ${resourceId} is a ${resource.dataset.subtype} dataset; a GeoTIFF cannot replace it`);
  await tx.datasetAttribute.deleteMany({ where: { dataset_id: resource.dataset.id } });
  await tx.dataset.update({ where: { id: resource.dataset.id }, data: { ...columns, attribute_set: { create: bands } } });
  return resourceId;
}

/** The commit hook of the `raster_dataset` upload type; see the module comment. */
export const commitRasterDatasetUpload: CommitHook = async (tx, { upload, results }) => {
  const metadata = metadataResult(results);
  if (!metadata) throw new UnrecoverableError("The raster's metadata was not read");
  const columns = rasterColumns(metadata, upload, results[RASTER_THUMBNAIL_STEP] as StoredDatasetThumbnail | undefined);
  const bands = bandRows(metadata, statisticsResult(results)?.bands ?? []);
  if (upload.resource_id !== null) return { resourceId: await overwrite(tx, upload.resource_id, columns, bands) };
  const form = datasetUploadMetadata(upload.metadata);
  const name = layerName(upload.filename);
  const resource = await tx.resource.create({
    data: {
      type: DATASET_TYPE,
      name: form.dataset_title ?? name,
      description: form.abstract ?? "",
      owner_id: upload.uploader_id,
      dataset: { create: { ...columns, alternate: await uniqueAlternate(tx, name, upload), attribute_set: { create: bands } } },
    },
    select: { id: true },
  });
  await applyFormGrants(tx, resource.id, form.grants ?? []);
  return { resourceId: resource.id };
};
