/**
 * The image formats the plugin recognises: sharp's name for each, the name DatoCMS
 * reports as `format`, and the MIME type.
 */

/** What is known about one recognised format. */
export interface ImageFormat {
  /** DatoCMS's `format` attribute (the usual file extension). */
  readonly format: string;
  readonly mimeType: string;
  /** Whether the format can hold several frames that play as an animation. */
  readonly animatable: boolean;
}

const FORMATS: Readonly<Record<string, ImageFormat>> = {
  jpeg: { format: "jpg", mimeType: "image/jpeg", animatable: false },
  png: { format: "png", mimeType: "image/png", animatable: false },
  webp: { format: "webp", mimeType: "image/webp", animatable: true },
  gif: { format: "gif", mimeType: "image/gif", animatable: true },
  tiff: { format: "tiff", mimeType: "image/tiff", animatable: false },
  svg: { format: "svg", mimeType: "image/svg+xml", animatable: false },
  avif: { format: "avif", mimeType: "image/avif", animatable: false },
  heic: { format: "heic", mimeType: "image/heic", animatable: false },
  jp2k: { format: "jp2", mimeType: "image/jp2", animatable: false },
  jxl: { format: "jxl", mimeType: "image/jxl", animatable: false },
};

/**
 * The format of a file as sharp's metadata names it. sharp says `heif` for both AVIF and
 * HEIC; its `compression` field (`av1` or `hevc`) tells them apart.
 */
export function imageFormatOf(sharpFormat: string, compression?: string): ImageFormat | undefined {
  if (sharpFormat === "heif") return FORMATS[compression === "hevc" ? "heic" : "avif"];
  return FORMATS[sharpFormat];
}
