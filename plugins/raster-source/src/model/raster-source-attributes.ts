import type { RasterSource } from "@assets/core";
import { formatDateTime, NO_TIMESTAMP } from "./date-time.js";
import { formatInterval } from "./interval.js";

/** WGS84 bounds as Lizard renders them, or null until all four are known. */
export interface SpatialBounds {
  west: number;
  east: number;
  north: number;
  south: number;
}

/** The bounds of a raster source, or null while any side is unknown. */
export function spatialBounds(raster: RasterSource | null): SpatialBounds | null {
  if (!raster || raster.west === null || raster.east === null || raster.north === null || raster.south === null) return null;
  return { west: raster.west, east: raster.east, north: raster.north, south: raster.south };
}

/** Overview levels as stored by the processors: `[{ width, height }]`, finest first. */
function overviews(raster: RasterSource | null): unknown[] {
  return Array.isArray(raster?.overviews) ? raster.overviews : [];
}

/** One band's statistics as the statistics step stored them (over valid pixels; nodata excluded). */
export interface BandStatisticsRow {
  band: number;
  min: number;
  max: number;
  mean: number;
  stddev: number;
  valid_percent: number;
}

/** Per-band statistics of the latest upload, or null until the statistics step has run. */
export function bandStatistics(raster: RasterSource | null): BandStatisticsRow[] | null {
  return Array.isArray(raster?.statistics) ? (raster.statistics as unknown as BandStatisticsRow[]) : null;
}

/**
 * The attributes a raster source adds to its resource, in Lizard's names and
 * JSON types. `raster` is null for a `raster_source` resource whose own record
 * does not exist yet (created through the generic API, nothing uploaded).
 */
export function rasterSourceAttributes(raster: RasterSource | null) {
  return {
    supplier_code: raster?.supplier_code ?? null,
    temporal: raster?.temporal ?? false,
    interval: formatInterval(raster?.interval_seconds),
    first_value_timestamp: formatDateTime(raster?.first_value_timestamp ?? NO_TIMESTAMP),
    last_value_timestamp: formatDateTime(raster?.last_value_timestamp ?? NO_TIMESTAMP),
    spatial_bounds: spatialBounds(raster),
    projection: raster?.projection ?? null,
    origin_x: raster?.origin_x ?? null,
    origin_y: raster?.origin_y ?? null,
    upper_bound_x: raster?.upper_bound_x ?? null,
    upper_bound_y: raster?.upper_bound_y ?? null,
    pixelsize_x: raster?.pixelsize_x ?? null,
    pixelsize_y: raster?.pixelsize_y ?? null,
    // Sizes stay far below 2^53 bytes, so a JSON number is exact.
    size: Number(raster?.size ?? 0n),
    dtype: raster?.dtype ?? null,
    fill_value: raster?.fill_value ?? null,
    width: raster?.width ?? null,
    height: raster?.height ?? null,
    band_count: raster?.band_count ?? null,
    cloud_optimized: raster?.cloud_optimized ?? null,
    overviews: overviews(raster),
  };
}
