/**
 * Blurhash and ThumbHash placeholders, computed from the small RGBA copy of an image.
 */
import { encode as encodeBlurhash } from "blurhash";
import { rgbaToThumbHash } from "thumbhash";
import type { RgbaImage } from "./decode-image.js";
import { loadSharp } from "./sharp.js";

/** blurhash's encoder walks every pixel for every component: 32 x 32 is plenty for 4 x 3 components. */
const BLURHASH_SIDE = 32;
/** ThumbHash's limit: at most 100 x 100 pixels in. */
const THUMBHASH_SIDE = 100;

/** The DatoCMS `blurhash` of an image: 4 x 3 components, like DatoCMS's own (`LEHV6nWB2yk8pyo0adR*.7kCMdnj`). */
export async function blurhashOf(image: RgbaImage): Promise<string> {
  const small = await shrink(image, BLURHASH_SIDE, "fill");
  return encodeBlurhash(new Uint8ClampedArray(small.data.buffer, small.data.byteOffset, small.data.length), small.width, small.height, 4, 3);
}

/** The DatoCMS `thumbhash` of an image, base64 encoded. */
export async function thumbhashOf(image: RgbaImage): Promise<string> {
  const small = await shrink(image, THUMBHASH_SIDE, "inside");
  return Buffer.from(rgbaToThumbHash(small.width, small.height, small.data)).toString("base64");
}

/** Resizes an RGBA copy to fit `side` (`inside`, keeping the aspect) or to exactly `side` x `side` (`fill`). */
export async function shrink(image: RgbaImage, side: number, fit: "inside" | "fill"): Promise<RgbaImage> {
  const { data, info } = await loadSharp()(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
    .resize(side, side, { fit, withoutEnlargement: fit === "inside" })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
