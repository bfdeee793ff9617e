import { ImageRejectedError } from "../errors.js";
import type { ImageProbe } from "./probe-image.js";
import { loadSharp } from "./sharp.js";

/** An 8-bit sRGB RGBA copy of an image, small enough to hold in memory. */
export interface RgbaImage {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

/** Limits of {@link decodeForAnalysis}. */
export interface DecodeOptions {
  /** Longest side of the copy, in pixels. */
  maxSide: number;
  /** sharp's `limitInputPixels`: a second guard behind the caller's own budget check. */
  maxInputPixels: number;
  /** libvips gives up after this long (sharp's `timeout`). */
  timeoutSeconds: number;
}

// librsvg renders an SVG at `density` dpi; 72 is its intrinsic size.
const SVG_BASE_DENSITY = 72;

/**
 * Decodes the first frame of the image at `path` once, auto-oriented by its EXIF tag,
 * converted to sRGB (CMYK and grey included) with an alpha channel, and shrunk to at most
 * `maxSide` (JPEG and WebP shrink while decoding, so a 12 MP photo never exists in full).
 * An SVG is rendered straight at the small size. Every later step (placeholders, palette,
 * thumbnail) works from this copy. A decoder error rejects with IMAGE_CORRUPT.
 */
export async function decodeForAnalysis(path: string, probe: ImageProbe, options: DecodeOptions): Promise<RgbaImage> {
  const { density } = decodedSize(probe, options.maxSide);
  try {
    const { data, info } = await loadSharp()(path, {
      limitInputPixels: options.maxInputPixels,
      failOn: "error",
      autoOrient: true,
      sequentialRead: true,
      ...(density === undefined ? {} : { density }),
    })
      .resize(options.maxSide, options.maxSide, { fit: "inside", withoutEnlargement: true })
      .toColourspace("srgb")
      .ensureAlpha()
      .raw({ depth: "uchar" })
      .timeout({ seconds: options.timeoutSeconds })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0]!.trim() : String(error);
    throw new ImageRejectedError("IMAGE_CORRUPT", `the image could not be decoded: ${message}`, { cause: error });
  }
}

/** What decoding will produce before shrinking: the header's size, or for an SVG its size at the render density. */
export interface DecodedSize {
  width: number;
  height: number;
  pages: number;
  /** The density an SVG is rendered at (librsvg's 72 dpi is its intrinsic size). */
  density?: number;
}

/**
 * The size {@link decodeForAnalysis} decodes at, to check against the pixel budget first.
 * An SVG renders with its longer side at about `maxSide`, but sharp's density cannot go
 * below 1 dpi, so one declaring millions of pixels still renders large and is refused.
 */
export function decodedSize(probe: ImageProbe, maxSide: number): DecodedSize {
  if (probe.format.format !== "svg") return { width: probe.width, height: probe.height, pages: probe.pages };
  const density = Math.min(100_000, Math.max(1, (SVG_BASE_DENSITY * maxSide) / Math.max(probe.width, probe.height)));
  const scale = density / SVG_BASE_DENSITY;
  return { width: Math.ceil(probe.width * scale), height: Math.ceil(probe.height * scale), pages: 1, density };
}
