import { ImageRejectedError } from "../errors.js";
import { imageFormatOf, type ImageFormat } from "./image-formats.js";
import { loadSharp, type Metadata } from "./sharp.js";

/** What the header of an image file says, read without decoding any pixel. */
export interface ImageProbe {
  readonly format: ImageFormat;
  /** Displayed width and height: after the EXIF orientation is applied (one frame of an animation). */
  readonly width: number;
  readonly height: number;
  /** Frames (animations) or pages (TIFF); 1 for a still image. */
  readonly pages: number;
  /** Several frames in a format that plays them as an animation (GIF, WebP). */
  readonly animated: boolean;
  /** EXIF orientation tag, 1-8, when the file has one. */
  readonly orientation?: number;
  readonly hasAlpha: boolean;
  /** libvips' name of the colour space, e.g. `srgb`, `cmyk`, `b-w`. */
  readonly space: string;
}

// sharp's messages for a file it cannot identify at all (not an image to us) and for a
// recognised format whose header it cannot read (a broken image).
const UNSUPPORTED = /unsupported image format/i;
const MISSING = /^Input file is missing/;

/**
 * Reads the header of the file at `path`. Resolves `null` for a file that is not an image
 * sharp recognises (a PDF, a zip, text); rejects with IMAGE_CORRUPT for a recognised image
 * whose header is broken. Nothing is decoded, so this is safe on a decompression bomb:
 * check its size with {@link assertWithinPixelBudget} before decoding.
 */
export async function probeImage(path: string): Promise<ImageProbe | null> {
  let meta: Metadata;
  try {
    // No pixel limit here: metadata() never decodes, and the budget is checked by the caller with a reason.
    meta = await loadSharp()(path, { limitInputPixels: false }).metadata();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (UNSUPPORTED.test(message)) return null;
    if (MISSING.test(message)) throw error; // the caller's problem (and maybe transient), not the file's
    throw new ImageRejectedError("IMAGE_CORRUPT", `unreadable image header: ${firstLine(message)}`, { cause: error });
  }
  const format = meta.format ? imageFormatOf(meta.format, meta.compression) : undefined;
  if (!format) return null;
  const width = meta.autoOrient?.width ?? meta.width;
  const height = meta.autoOrient?.height ?? meta.height;
  if (!width || !height) throw new ImageRejectedError("IMAGE_CORRUPT", "the image header declares no dimensions");
  const pages = meta.pages ?? 1;
  return {
    format,
    width,
    height,
    pages,
    animated: format.animatable && pages > 1,
    orientation: meta.orientation,
    hasAlpha: meta.hasAlpha ?? false,
    space: meta.space ?? "srgb",
  };
}

/**
 * Refuses an image whose decoded frames would exceed `maxPixels` in total (all frames
 * count, as imgproxy counts them), before anything is decoded.
 */
export function assertWithinPixelBudget(probe: Pick<ImageProbe, "width" | "height" | "pages">, maxPixels: number): void {
  const pixels = probe.width * probe.height * probe.pages;
  if (pixels <= maxPixels) return;
  const frames = probe.pages > 1 ? ` in ${probe.pages} frames` : "";
  throw new ImageRejectedError(
    "IMAGE_TOO_LARGE",
    `the image declares ${probe.width} x ${probe.height} pixels${frames} (${megapixels(pixels)}), over the budget of ${megapixels(maxPixels)}`,
  );
}

function megapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(1)} MP`;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.trim();
}
