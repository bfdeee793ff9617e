export { datasetPlugin, type DatasetPluginOptions } from "./dataset-plugin.js";
export { GEONODE_PREFIX, geonodeUrls, type GeonodeUrls } from "./api/geonode-urls.js";
export { DATASET_FIELDS } from "./model/dataset-fields.js";
export { DATASET_SUBTYPES, DATASET_TYPE, DATE_TYPES, DOCUMENT_TYPE, RASTER_DATASET_TYPE, type DatasetSubtype } from "./model/dataset-type.js";
export { RASTER_ATTRIBUTE_TYPE, bandName, commitRasterDatasetUpload, rasterColumns } from "./processing/commit-raster.js";
export { RASTER_THUMBNAIL_SIZE, RASTER_THUMBNAIL_STEP, rasterThumbnailProcessor, thumbnailSize } from "./processing/raster-thumbnail.js";
export { xsdType } from "./model/attribute-types.js";
export { executionStatus, renderExecutionRequest, type ExecutionRequestBody, type ExecutionStatus } from "./api/execution-request.js";
export { GEONODE_ERRORS, geonodeErrorBody, geonodeErrorCode } from "./api/geonode-errors.js";
export { InvalidDatasetError, type DatasetErrorCode } from "./errors.js";
export type { AttributeType, AttributeValue, DeclaredField, LayerInfo, VectorFeature, VectorLayer } from "./vector-layer.js";
export type { BBox, CrsInfo } from "./crs/crs-info.js";
export { crsFromEpsg } from "./crs/epsg.js";
export { crsFromWkt } from "./crs/prj.js";
export { wgs84BBox } from "./crs/wgs84-bbox.js";
export { readGeoJson } from "./readers/geojson.js";
export { readZippedShapefile } from "./readers/shapefile.js";
export { readCsv } from "./readers/csv.js";
export { readFlatGeobuf } from "./readers/flatgeobuf.js";
export { readGeoPackage } from "./readers/geopackage.js";
export { openZip, type ZipArchive, type ZipEntryInfo, type ZipLimits } from "./readers/zip.js";
export { fileByteSource, type ByteSource } from "./byte-source.js";
export { renderThumbnail, type Thumbnail, type ThumbnailOptions } from "./thumbnail/render-thumbnail.js";
export { SAMPLE_FEATURES, MAX_RING_POSITIONS } from "./summary/feature-sample.js";
export { summarizeLayer, type DatasetSummary, type SummarizeOptions, type SummaryWithSample } from "./summary/summarize.js";
export { MEDIAN_SAMPLE, UNIQUE_LIMIT, type AttributeStatistics } from "./summary/attribute-statistics.js";
export { detectFormat, openLayer, type DatasetFile, type DatasetFormat } from "./readers/open-layer.js";
export {
  DATASET_SUMMARY,
  datasetProcessor,
  datasetThumbnailKey,
  type DatasetProcessorOptions,
  type DatasetSummaryResult,
  type StoredDatasetThumbnail,
} from "./processing/dataset-processor.js";
