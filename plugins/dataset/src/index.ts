export { InvalidDatasetError, type DatasetErrorCode } from "./errors.js";
export type { AttributeType, AttributeValue, DeclaredField, LayerInfo, VectorFeature, VectorLayer } from "./vector-layer.js";
export type { BBox, CrsInfo } from "./crs/crs-info.js";
export { crsFromEpsg } from "./crs/epsg.js";
export { crsFromWkt } from "./crs/prj.js";
export { wgs84BBox } from "./crs/wgs84-bbox.js";
export { readGeoJson } from "./readers/geojson.js";
export { summarizeLayer, type DatasetSummary, type SummarizeOptions, type SummaryWithSample } from "./summary/summarize.js";
export { MEDIAN_SAMPLE, UNIQUE_LIMIT, type AttributeStatistics } from "./summary/attribute-statistics.js";
