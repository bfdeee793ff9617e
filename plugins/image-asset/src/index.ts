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
  type ImageAnalysisResult,
  type ImageProcessorOptions,
  type StoredThumbnail,
} from "./processing/image-processor.js";
export {
  parseImgixParams,
  IMGIX_PARAMETERS,
  FITS,
  CROPS,
  OUTPUT_FORMATS,
  AUTOS,
  MAX_DPR,
  MAX_ZOOM,
  type ImgixParams,
  type Fit,
  type Crop,
  type Auto,
  type Dimension,
  type OutputFormatName,
} from "./delivery/imgix-params.js";
export {
  planTransform,
  accepts,
  DEFAULT_TRANSFORM_LIMITS,
  type SourceImage,
  type TransformLimits,
  type TransformPlan,
  type TransformDecision,
  type Region,
  type ResizeMode,
  type DeliveryFormat,
} from "./delivery/transform-plan.js";
export { renderDerivative, DEFAULT_RENDER_OPTIONS, type RenderOptions } from "./delivery/render-derivative.js";
export { derivativeKey, derivativeETag, derivativeDigest, derivativeMimeType } from "./delivery/derivative-key.js";
export { DerivativeMaker, type DerivativeMakerOptions, type EnsureOutcome } from "./delivery/derivative-maker.js";
export { deliverImage, type StoredImage, type ImageRequest, type ImageAnswer, type DeliveryContext } from "./delivery/deliver-image.js";
export { imageAssetPlugin, type ImageAssetPluginOptions } from "./image-asset-plugin.js";
export { IMAGE_ASSET_TYPE } from "./model/image-asset-type.js";
export { IMAGE_ASSET_FIELDS } from "./model/image-asset-fields.js";
export { imageAssetAttributes, type ImageAssetRecord } from "./model/image-asset-attributes.js";
export { clientMetadata, type ClientMetadata, type LocaleMetadata } from "./model/client-metadata.js";
export { commitImageUpload } from "./processing/commit.js";
export { deliveryRouter, type DeliveryOptions } from "./delivery/delivery-router.js";
export { findDeliveredAsset, type DeliveredAsset } from "./delivery/delivered-asset.js";
export { deliverFile } from "./delivery/deliver-image.js";
export { regenerateThumbnails, type RegenerationOptions, type RegenerationReport } from "./processing/regenerate-thumbnails.js";
export { thumbnailKey, thumbnailName, encodeThumbnail, DEFAULT_THUMBNAIL_SIDE, type Thumbnail } from "./processing/thumbnail.js";
export { datocmsRouter, type DatocmsProfileOptions } from "./profile/datocms-router.js";
export { DATOCMS_DELIVERY_ERRORS, DATOCMS_ERRORS, datocmsErrorBody, toDatocmsError, DatocmsErrors } from "./profile/datocms-errors.js";
export { DATOCMS_UPLOAD_FIELDS } from "./profile/upload-fields.js";
export { siteLocales, DEFAULT_LOCALES, type SiteLocales } from "./profile/site-locales.js";
export { serializeUpload, type DatocmsUpload, type UploadRecord } from "./profile/upload-serializer.js";
export { DatocmsUploadService } from "./profile/upload-service.js";
export { MemoryRateCounter, REDIS_CONNECTION_NAME, RedisRateCounter, type RateCounter, type RateCount } from "./profile/rate-counter.js";
export { RateLimit, DEFAULT_RATE_LIMIT, type RateLimitOptions } from "./profile/rate-limit.js";
