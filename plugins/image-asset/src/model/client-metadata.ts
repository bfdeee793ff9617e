/**
 * The attributes a client gives with an upload (DatoCMS's author, copyright, notes, tags,
 * default_field_metadata, upload collection), read from `Upload.metadata` and checked: the
 * commit never trusts them. A bad value rejects the upload naming the attribute.
 */
import { UnrecoverableError } from "@assets/core";

/** One locale's default metadata (DatoCMS `default_field_metadata.<locale>`). */
export interface LocaleMetadata {
  alt?: string | null;
  title?: string | null;
  custom_data?: Record<string, unknown>;
  /** Where crops centre, each 0..1; used by `crop=focalpoint`. */
  focal_point?: { x: number; y: number } | null;
}

/** The checked client attributes; absent ones are undefined. */
export interface ClientMetadata {
  /** A new basename for the file (DatoCMS's `PUT /uploads/:id` with a replacement's `path`). */
  basename?: string;
  author?: string | null;
  copyright?: string | null;
  notes?: string | null;
  tags?: string[];
  default_field_metadata?: Record<string, LocaleMetadata>;
  upload_collection_id?: number | null;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

function bad(attribute: string, problem: string): never {
  throw new UnrecoverableError(`${attribute} ${problem}`);
}

function optionalText(metadata: Record<string, unknown>, key: string): string | null | undefined {
  const value = metadata[key];
  if (value === undefined || value === null) return value;
  if (typeof value !== "string") bad(key, "must be a string or null");
  return value;
}

function unit(value: unknown, attribute: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1) bad(attribute, "must be a number from 0 to 1");
  return value;
}

function localeMetadata(locale: string, value: unknown): LocaleMetadata {
  const at = `default_field_metadata.${locale}`;
  if (!isObject(value)) bad(at, "must be an object");
  const out: LocaleMetadata = {};
  for (const key of ["alt", "title"] as const) {
    const text = value[key];
    if (text !== undefined && text !== null && typeof text !== "string") bad(`${at}.${key}`, "must be a string or null");
    if (text !== undefined) out[key] = text as string | null;
  }
  if (value.custom_data !== undefined) {
    if (!isObject(value.custom_data)) bad(`${at}.custom_data`, "must be an object");
    out.custom_data = value.custom_data;
  }
  const focal = value.focal_point;
  if (focal !== undefined && focal !== null) {
    if (!isObject(focal)) bad(`${at}.focal_point`, "must be {x, y}");
    out.focal_point = { x: unit(focal.x, `${at}.focal_point.x`), y: unit(focal.y, `${at}.focal_point.y`) };
  } else if (focal === null) out.focal_point = null;
  return out;
}

/** Reads and checks the client attributes of an upload's metadata. */
export function clientMetadata(raw: unknown): ClientMetadata {
  if (raw === null || raw === undefined) return {};
  if (!isObject(raw)) bad("metadata", "must be an object");
  const out: ClientMetadata = {};
  if (raw.basename !== undefined) {
    if (typeof raw.basename !== "string" || raw.basename.trim() === "") bad("basename", "must be a non-empty string");
    out.basename = raw.basename.trim();
  }
  for (const key of ["author", "copyright", "notes"] as const) {
    const value = optionalText(raw, key);
    if (value !== undefined) out[key] = value;
  }
  if (raw.tags !== undefined) {
    if (!Array.isArray(raw.tags) || raw.tags.some((tag) => typeof tag !== "string")) bad("tags", "must be a list of strings");
    out.tags = [...new Set(raw.tags as string[])];
  }
  if (raw.default_field_metadata !== undefined) {
    if (!isObject(raw.default_field_metadata)) bad("default_field_metadata", "must be an object keyed by locale");
    out.default_field_metadata = Object.fromEntries(Object.entries(raw.default_field_metadata).map(([locale, value]) => [locale, localeMetadata(locale, value)]));
  }
  const collection = raw.upload_collection_id;
  if (collection !== undefined) {
    if (collection !== null && (typeof collection !== "number" || !Number.isSafeInteger(collection) || collection <= 0)) {
      bad("upload_collection_id", "must be a positive integer or null");
    }
    out.upload_collection_id = collection as number | null;
  }
  return out;
}
