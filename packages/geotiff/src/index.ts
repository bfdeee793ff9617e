/**
 * GeoTIFF engine of the raster-source plugin: metadata, statistics, window reads and PNG
 * rendering over a {@link ByteRangeReader} (local file, S3 ...), using ranged reads only.
 */
export { InvalidRasterError } from "./errors.js";
export { DEFAULT_RASTER_BUDGET, type RasterBudget, RasterBudgetError, rasterBudget } from "./budget.js";
export {
  type ByteRangeReader,
  type CountingReader,
  type FileRangeReader,
  type ReadRecord,
  countingReader,
  fileRangeReader,
  prefetchingReader,
} from "./reader.js";
export { type OverviewLevel, type RasterMetadata, readRasterMetadata } from "./metadata.js";
export type { WgsBounds } from "./crs.js";
export type { GeoTransform } from "./georef.js";
export { type BandStatistics, type StatisticsOptions, computeStatistics } from "./statistics.js";
export { type RasterWindow, type WindowRequest, readWindow } from "./window.js";
export { type RenderOptions, renderPng } from "./render.js";
export type { ColormapName } from "./colormap.js";
export { pythonFloatRepr } from "./format.js";
export { epsgDefinitions, loadProj4, loadSharp } from "./libraries.js";
