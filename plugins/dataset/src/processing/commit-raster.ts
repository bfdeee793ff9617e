/**
 * The commit of a processed GeoTIFF: with the upload's state change, one transaction writes a
 * Resource of type `dataset` and its Dataset row of subtype raster (CRS, native and WGS84 bbox
 * from raster-source's metadata step, the thumbnail) and one attribute per band as GeoNode
 * lists a coverage's bands (attribute_type `raster`), with the statistics step's numbers.
 * An upload sent for an existing raster dataset (overwrite) replaces its summary (commit.ts's writeDataset).
 */
import { type CommitHook, Prisma, type Upload, UnrecoverableError } from "@assets/core";
import type { BandStatistics, RasterMetadata } from "@assets/geotiff";
import { metadataResult, statisticsResult } from "@assets/raster-source";
import type { DatasetSubtype } from "../model/dataset-type.js";
import { writeDataset } from "./commit.js";
import type { StoredDatasetThumbnail } from "./dataset-processor.js";
import { RASTER_THUMBNAIL_STEP } from "./raster-thumbnail.js";

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
    subtype: "raster" as const satisfies DatasetSubtype,
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

/** The commit hook of the `raster_dataset` upload type; see the module comment. */
export const commitRasterDatasetUpload: CommitHook = async (tx, { upload, results }) => {
  const metadata = metadataResult(results);
  if (!metadata) throw new UnrecoverableError("The raster's metadata was not read");
  const columns = rasterColumns(metadata, upload, results[RASTER_THUMBNAIL_STEP] as StoredDatasetThumbnail | undefined);
  const bands = bandRows(metadata, statisticsResult(results)?.bands ?? []);
  return { resourceId: await writeDataset(tx, upload, columns, bands) };
};
