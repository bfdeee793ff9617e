/**
 * The stored thumbnail of an image: a WebP at most `side` pixels on its longer side. Its key
 * names the side, so a changed setting is visible in the stored keys and existing assets can
 * be brought up to date (see regenerate-thumbnails.ts).
 */
import { derivativesPrefix, type Upload } from "@assets/core";
import type { RgbaImage } from "./decode-image.js";
import { loadSharp } from "./sharp.js";

/** Default longest side of a thumbnail. */
export const DEFAULT_THUMBNAIL_SIDE = 400;

/** An encoded thumbnail (a few kB). */
export interface Thumbnail {
  data: Buffer;
  width: number;
  height: number;
  mimeType: "image/webp";
}

/** File name of a thumbnail of this side, beside the image's other derivatives. */
export function thumbnailName(side: number): string {
  return `thumbnail-${side}.webp`;
}

/** Storage key of an upload's thumbnail: beside its content, so identical bytes share it. */
export function thumbnailKey(upload: Pick<Upload, "sha256" | "uuid">, side: number = DEFAULT_THUMBNAIL_SIDE): string {
  return `${derivativesPrefix(upload.sha256 ?? upload.uuid)}${thumbnailName(side)}`;
}

/** Encodes the thumbnail of a decoded image (never enlarged). */
export async function encodeThumbnail(image: RgbaImage, side: number): Promise<Thumbnail> {
  const { data, info } = await loadSharp()(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
    .resize(side, side, { fit: "inside", withoutEnlargement: true })
    .webp({ quality: 75 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, mimeType: "image/webp" };
}
