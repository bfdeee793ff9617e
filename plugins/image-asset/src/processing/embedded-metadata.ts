/**
 * EXIF, IPTC and XMP through exifr, mapped to DatoCMS's `exif_info` (snake_case keys,
 * numbers as numbers) plus the author and copyright the file names, if any.
 */
import exifr from "exifr";

/** DatoCMS's `exif_info`: the keys its sample shows, plus the other common camera facts. */
export interface ExifInfo {
  make?: string;
  model?: string;
  lens_model?: string;
  iso?: number;
  f_number?: number;
  exposure_time?: number;
  focal_length?: number;
  /** The EXIF Flash value as stored (16: did not fire, compulsory mode). */
  flash_mode?: number;
  /** When the photo was taken, as written by the camera (`2024-05-01T12:30:00`, no time zone). */
  date_time_original?: string;
  latitude?: number;
  longitude?: number;
}

/** What {@link readEmbeddedMetadata} finds. */
export interface EmbeddedMetadata {
  exif_info: ExifInfo;
  /** EXIF Artist, IPTC By-line or XMP dc:creator. */
  author?: string;
  /** EXIF Copyright, IPTC Copyright Notice or XMP dc:rights. */
  copyright?: string;
}

const NUMBER_TAGS: ReadonlyArray<[keyof ExifInfo, string]> = [
  ["iso", "ISO"],
  ["f_number", "FNumber"],
  ["exposure_time", "ExposureTime"],
  ["focal_length", "FocalLength"],
  ["flash_mode", "Flash"],
  ["latitude", "latitude"],
  ["longitude", "longitude"],
];
const STRING_TAGS: ReadonlyArray<[keyof ExifInfo, string]> = [
  ["make", "Make"],
  ["model", "Model"],
  ["lens_model", "LensModel"],
];

/**
 * Reads the metadata blocks of the image at `path`. exifr reads the file in small chunks
 * up to the blocks it needs, never the pixel data. A file without metadata, or with a
 * block exifr cannot parse, gives an empty `exif_info`: metadata is optional.
 */
export async function readEmbeddedMetadata(path: string): Promise<EmbeddedMetadata> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = await exifr.parse(path, {
      tiff: true,
      exif: true,
      gps: true,
      iptc: true,
      xmp: true,
      icc: false,
      interop: false,
      // Numbers stay numbers (Flash 16, not "Flash did not fire"); dates stay as written.
      translateValues: false,
      reviveValues: false,
    });
  } catch {
    tags = undefined;
  }
  if (!tags) return { exif_info: {} };
  const exif_info: ExifInfo = {};
  const info = exif_info as Record<string, unknown>;
  for (const [key, tag] of NUMBER_TAGS) {
    const value = firstNumber(tags[tag]);
    if (value !== undefined) info[key] = value;
  }
  for (const [key, tag] of STRING_TAGS) {
    const value = text(tags[tag]);
    if (value !== undefined) info[key] = value;
  }
  const taken = text(tags.DateTimeOriginal);
  if (taken) exif_info.date_time_original = exifDate(taken);
  return {
    exif_info,
    author: text(tags.Artist) ?? text(tags.Byline) ?? text(tags.creator),
    copyright: text(tags.Copyright) ?? text(tags.CopyrightNotice) ?? text(tags.rights),
  };
}

function firstNumber(value: unknown): number | undefined {
  const number = Array.isArray(value) ? value[0] : value;
  return typeof number === "number" && Number.isFinite(number) ? number : undefined;
}

/** A tag as one trimmed string: XMP alternatives (`{ lang, value }`) and lists give their first entry. */
function text(value: unknown): string | undefined {
  if (Array.isArray(value)) return text(value[0]);
  if (value && typeof value === "object" && "value" in value) return text((value as { value: unknown }).value);
  if (typeof value !== "string") return undefined;
  const trimmed = value.replace(/\0+$/, "").trim();
  return trimmed === "" ? undefined : trimmed;
}

/** `2024:05:01 12:30:00` -> `2024-05-01T12:30:00`; anything else as written. */
function exifDate(value: string): string {
  const match = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}:\d{2}:\d{2})/.exec(value);
  return match ? `${match[1]}-${match[2]}-${match[3]}T${match[4]}` : value;
}
