import { type RasterBudget, rasterBudget } from "./budget.js";
import { isCloudOptimized } from "./cog.js";
import { type WgsBounds, wgs84Bounds } from "./crs.js";
import { InvalidRasterError } from "./errors.js";
import { compressionName, formatFillValue } from "./format.js";
import type { GeoTransform } from "./georef.js";
import { type OpenedRaster, openRaster } from "./raster.js";
import type { ByteRangeReader } from "./reader.js";

/** Size of one reduced-resolution level. */
export interface OverviewLevel {
  width: number;
  height: number;
}

/** Raster-source metadata of a GeoTIFF, in GDAL conventions (see the fixtures README). */
export interface RasterMetadata {
  /** "EPSG:<code>". */
  projection: string;
  /**
   * Minimum corner of the outer extent (Lizard's convention: min x, min y; for a north-up raster
   * GT[0] and GT[3] + height*GT[5], the lower-left corner), while pixelsize_y stays negative.
   */
  origin_x: number;
  origin_y: number;
  /** Maximum corner of the outer extent (max x, max y), so origin_y < upper_bound_y. */
  upper_bound_x: number;
  upper_bound_y: number;
  /** GT[1] and GT[5] (negative for north-up rasters). */
  pixelsize_x: number;
  pixelsize_y: number;
  /** The full GDAL geotransform. */
  geo_transform: GeoTransform;
  /** The four outer corners transformed to WGS84, min/max, in degrees. */
  spatial_bounds: WgsBounds;
  /** numpy dtype code: u1, i1, u2, i2, u4, i4, u8, i8, f4, f8. */
  dtype: string;
  /** Python repr(float(nodata)) for float dtypes, the integer for integer ones; null without nodata. */
  fill_value: string | null;
  width: number;
  height: number;
  band_count: number;
  /** File size in bytes. */
  size: number;
  /** Tiled, with overviews, IFDs first and data ordered as a Cloud-Optimized GeoTIFF. */
  cloud_optimized: boolean;
  overview_levels: OverviewLevel[];
  tiled: boolean;
  block_width: number;
  block_height: number;
  /** GDAL compression name (DEFLATE, LZW, ...), null when uncompressed. */
  compression: string | null;
  /** GTRasterTypeGeoKey = PixelIsPoint (the origin is already shifted as GDAL does). */
  pixel_is_point: boolean;
}

/** Min and max of the four outer corners in the raster's own CRS (rotation terms included). */
function outerExtent(gt: GeoTransform, width: number, height: number) {
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [col, row] of [[0, 0], [width, 0], [0, height], [width, height]] as const) {
    xs.push(gt[0] + col * gt[1] + row * gt[2]);
    ys.push(gt[3] + col * gt[4] + row * gt[5]);
  }
  return { minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) };
}

function describe(r: OpenedRaster, reader: ByteRangeReader): RasterMetadata {
  const { georef, tiff } = r;
  const gt = georef.geoTransform;
  if (!gt) {
    throw new InvalidRasterError(
      georef.gcpsOnly
        ? "the TIFF is not georeferenced by a geotransform (it only has ground control points)"
        : "the TIFF is not georeferenced: it has no GeoTIFF ModelTiepoint/ModelPixelScale or ModelTransformation tags",
    );
  }
  if (georef.epsg === null) throw new InvalidRasterError(`unsupported projection: ${georef.crsProblem}`);
  const { width, height } = tiff.main;
  const bounds = wgs84Bounds(georef.epsg, gt, width, height);
  if (!bounds) throw new InvalidRasterError(`unsupported projection: EPSG:${georef.epsg} is not a known coordinate system`);
  const extent = outerExtent(gt, width, height);
  return {
    projection: `EPSG:${georef.epsg}`,
    origin_x: extent.minX,
    origin_y: extent.minY,
    upper_bound_x: extent.maxX,
    upper_bound_y: extent.maxY,
    pixelsize_x: gt[1],
    pixelsize_y: gt[5],
    geo_transform: gt,
    spatial_bounds: bounds,
    dtype: r.dtype,
    fill_value: formatFillValue(r.nodata, r.dtype),
    width,
    height,
    band_count: r.bandCount,
    size: reader.size,
    cloud_optimized: isCloudOptimized(tiff),
    overview_levels: tiff.overviews.map((o) => ({ width: o.width, height: o.height })),
    tiled: tiff.main.tiled,
    block_width: tiff.main.blockWidth,
    block_height: tiff.main.blockHeight,
    compression: compressionName(tiff.main.compression),
    pixel_is_point: georef.pixelIsPoint,
  };
}

/**
 * Reads the metadata of a GeoTIFF from its header and directories only (no pixel data).
 * @throws InvalidRasterError for empty, non-TIFF, unreadable, truncated, non-georeferenced files
 *   and unsupported projections; RasterBudgetError (a subclass) for files declaring more than
 *   `options.budget` allows (default: the default budget).
 */
export async function readRasterMetadata(reader: ByteRangeReader, options: { budget?: Partial<RasterBudget> } = {}): Promise<RasterMetadata> {
  return describe(await openRaster(reader, rasterBudget(options.budget)), reader);
}
