export { ImageRejectedError, type ImageRejectionCode } from "./errors.js";
export { analyseImage, DEFAULT_ANALYSIS_OPTIONS, type ImageAnalysis, type ImageAnalysisOptions, type ImageFacts } from "./processing/analyse-image.js";
export { probeImage, assertWithinPixelBudget, type ImageProbe } from "./processing/probe-image.js";
export { readEmbeddedMetadata, type EmbeddedMetadata, type ExifInfo } from "./processing/embedded-metadata.js";
export { dominantColors, type PaletteColor } from "./processing/palette.js";
export {
  DEFAULT_RESOLUTION_THRESHOLDS,
  orientationOf,
  resolutionOf,
  type Orientation,
  type Resolution,
  type ResolutionThresholds,
} from "./processing/derived-attributes.js";
export { withSpooledFile, type SpooledFile } from "./processing/spool-file.js";
export {
  IMAGE_ANALYSIS,
  imageAnalysisProcessor,
  thumbnailKey,
  type ImageAnalysisResult,
  type ImageProcessorOptions,
  type StoredThumbnail,
} from "./processing/image-processor.js";
