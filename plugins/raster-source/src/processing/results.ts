/** Names and result shapes of the raster-source processors, shared with the commit hook. */
import type { BandStatistics, RasterMetadata } from "@assets/geotiff";
import { parseIsoTimestamp } from "./timestamps.js";

/** Name of the metadata step; its result is a {@link RasterMetadata}. */
export const METADATA_STEP = "raster-metadata";
/** Name of the statistics step; its result is a {@link RasterStatisticsResult}. */
export const STATISTICS_STEP = "raster-statistics";

/** Result of the statistics step. */
export interface RasterStatisticsResult {
  bands: BandStatistics[];
}

/** The metadata result of a run, or undefined when the step did not run. */
export function metadataResult(results: Readonly<Record<string, unknown>>): RasterMetadata | undefined {
  return results[METADATA_STEP] as RasterMetadata | undefined;
}

/** The statistics result of a run, or undefined when the step was turned off. */
export function statisticsResult(results: Readonly<Record<string, unknown>>): RasterStatisticsResult | undefined {
  return results[STATISTICS_STEP] as RasterStatisticsResult | undefined;
}

/**
 * The time step an upload adds: `metadata.timestamp` (ISO 8601) as a Date, `null` for a
 * non-temporal upload. Throws a RangeError with a readable message for anything else.
 */
export function stepTimestamp(metadata: unknown): Date | null {
  const value = (metadata as { timestamp?: unknown } | null)?.timestamp;
  if (value === undefined || value === null || value === "") return null;
  const date = typeof value === "string" ? parseIsoTimestamp(value) : null;
  if (!date) throw new RangeError(`timestamp "${String(value)}" is not an ISO 8601 date-time`);
  return date;
}
