import { decodedSize, decodeForAnalysis } from "./decode-image.js";
import { DEFAULT_RESOLUTION_THRESHOLDS, orientationOf, resolutionOf, type Orientation, type Resolution, type ResolutionThresholds } from "./derived-attributes.js";
import { readEmbeddedMetadata, type ExifInfo } from "./embedded-metadata.js";
import { dominantColors, type PaletteColor } from "./palette.js";
import { blurhashOf, thumbhashOf } from "./placeholders.js";
import { assertWithinPixelBudget, probeImage } from "./probe-image.js";
import { DEFAULT_THUMBNAIL_SIDE, encodeThumbnail, type Thumbnail } from "./thumbnail.js";

/** Limits and sizes of {@link analyseImage}; every field has a default. */
export interface ImageAnalysisOptions {
  /** Largest image accepted, in decoded pixels over all frames (default 100 MP). */
  maxInputPixels?: number;
  /**
   * Longest side of the working copy every derived value comes from (default 400, the thumbnail's:
   * libjpeg then decodes an image 8 or more times larger at 1/8 scale, a quarter of the pixels of
   * the 1/4 scale a 512 px copy of a 4000 px photo needs; the copy is at least the thumbnail's size).
   */
  workingSide?: number;
  /** Longest side of the stored thumbnail (default 400), encoded as WebP. */
  thumbnailSide?: number;
  /** Colours in the palette (default 5). */
  paletteSize?: number;
  resolutionThresholds?: ResolutionThresholds;
  /** Time limit of the one decode (default 30 s). */
  timeoutSeconds?: number;
}

/** What an image is, in DatoCMS's attribute names. JSON only: it travels as a processor result. */
export interface ImageFacts {
  is_image: true;
  /** DatoCMS's `format`: jpg, png, gif, webp, avif, heic, tiff, svg … */
  format: string;
  mime_type: string;
  /** Displayed size: after the EXIF orientation is applied. */
  width: number;
  height: number;
  /** Frames of an animation, pages of a TIFF; 1 for a still image. */
  frame_count: number;
  animated: boolean;
  /** Whether the image has an alpha channel (decides PNG or JPEG when a transform must pick). */
  has_alpha: boolean;
  resolution: Resolution;
  orientation: Orientation;
  blurhash: string;
  thumbhash: string;
  colors: PaletteColor[];
  exif_info: ExifInfo;
  author?: string;
  copyright?: string;
}

/** The facts of an image and its thumbnail (WebP bytes, a few kB). */
export interface ImageAnalysis {
  facts: ImageFacts;
  thumbnail: Thumbnail;
}

/** Defaults of {@link ImageAnalysisOptions}. */
export const DEFAULT_ANALYSIS_OPTIONS: Readonly<Required<ImageAnalysisOptions>> = {
  maxInputPixels: 100_000_000,
  workingSide: DEFAULT_THUMBNAIL_SIDE,
  thumbnailSide: DEFAULT_THUMBNAIL_SIDE,
  paletteSize: 5,
  resolutionThresholds: DEFAULT_RESOLUTION_THRESHOLDS,
  timeoutSeconds: 30,
};

/**
 * Analyses the file at `path`: `null` when it is not an image (the caller stores it as a
 * plain asset); otherwise the header is probed and checked against the pixel budget before
 * anything is decoded, then the image is decoded once into a small working copy from which
 * the placeholders, palette and thumbnail are made. Rejects with an `ImageRejectedError`
 * (IMAGE_TOO_LARGE, IMAGE_CORRUPT) for an image that can never be accepted.
 */
export async function analyseImage(path: string, options: ImageAnalysisOptions = {}): Promise<ImageAnalysis | null> {
  const settings = { ...DEFAULT_ANALYSIS_OPTIONS, ...options };
  const probe = await probeImage(path);
  if (!probe) return null;
  // What the one decode will produce (an SVG renders straight at about the working size) must fit the budget.
  // A thumbnail larger than the working copy is made from a copy of its size.
  const workingSide = Math.max(settings.workingSide, settings.thumbnailSide);
  assertWithinPixelBudget(decodedSize(probe, workingSide), settings.maxInputPixels);
  const image = await decodeForAnalysis(path, probe, {
    maxSide: workingSide,
    maxInputPixels: settings.maxInputPixels,
    timeoutSeconds: settings.timeoutSeconds,
  });
  const [blurhash, thumbhash, colors, embedded, thumbnail] = await Promise.all([
    blurhashOf(image),
    thumbhashOf(image),
    dominantColors(image, settings.paletteSize),
    readEmbeddedMetadata(path),
    encodeThumbnail(image, settings.thumbnailSide),
  ]);
  return {
    facts: {
      is_image: true,
      format: probe.format.format,
      mime_type: probe.format.mimeType,
      width: probe.width,
      height: probe.height,
      frame_count: probe.pages,
      animated: probe.animated,
      has_alpha: probe.hasAlpha,
      resolution: resolutionOf(probe.width, probe.height, settings.resolutionThresholds),
      orientation: orientationOf(probe.width, probe.height),
      blurhash,
      thumbhash,
      colors,
      exif_info: embedded.exif_info,
      ...(embedded.author === undefined ? {} : { author: embedded.author }),
      ...(embedded.copyright === undefined ? {} : { copyright: embedded.copyright }),
    },
    thumbnail,
  };
}

