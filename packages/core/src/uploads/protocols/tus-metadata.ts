import { Errors } from "../../errors/index.js";
import { findUnstorableJson, unstorableReason } from "../../db/storable-json.js";
import { sanitizeFilename } from "../filenames.js";

/** Raw tus `Upload-Metadata`, decoded: key to value (null for a key sent without a value). */
export type TusMetadata = Record<string, string | null>;

/** What a tus client tells about its file at creation, from `Upload-Metadata`. */
export interface TusCreation {
  /** Sanitized filename (`filename`, else `name` as Uppy sends it; "upload" when absent). */
  filename: string;
  /** The filename as sent. */
  originalFilename: string;
  /** Asset type key (`type` without a "/"). */
  type?: string;
  /** Declared MIME type (`filetype`, `content_type`, or a `type` containing "/", as Uppy sends it). */
  mimeType?: string;
  /** Whole-file checksums (`md5`, `sha256`; hex or base64), verified once every byte has arrived. */
  expected?: { md5?: string; sha256?: string };
  /** Attributes kept on the upload, DatoCMS's names: author, copyright, notes, tags (comma-separated), default_field_metadata (JSON). */
  attributes: Record<string, unknown>;
}

const SOURCE = { header: "upload-metadata" };

/** Reads a creation's `Upload-Metadata`; malformed values are a 400 that names the key. */
export function parseTusCreation(metadata: TusMetadata | undefined): TusCreation {
  const value = (key: string) => {
    const v = metadata?.[key];
    // Values are stored as text, which PostgreSQL cannot hold with a NUL in it.
    if (v?.includes("\u0000")) throw Errors.INVALID_PARAMETER({ detail: `Upload-Metadata '${key}' may not contain NUL characters`, source: SOURCE });
    return v === null || v === undefined || v.trim() === "" ? undefined : v;
  };
  const originalFilename = value("filename") ?? value("name") ?? "";
  const type = value("type");
  const attributes: Record<string, unknown> = {};
  for (const key of ["author", "copyright", "notes"]) {
    const v = value(key);
    if (v !== undefined) attributes[key] = v;
  }
  const tags = value("tags");
  if (tags !== undefined) attributes.tags = tags.split(",").map((t) => t.trim()).filter(Boolean);
  const fieldMetadata = value("default_field_metadata");
  if (fieldMetadata !== undefined) attributes.default_field_metadata = parseJsonObject(fieldMetadata);
  return {
    filename: sanitizeFilename(originalFilename),
    originalFilename,
    type: type?.includes("/") ? undefined : type,
    mimeType: value("filetype") ?? value("content_type") ?? (type?.includes("/") ? type : undefined),
    expected: metadataChecksums(metadata),
    attributes,
  };
}

/** The whole-file checksums in `Upload-Metadata` (`md5`, `sha256`), as lower-case hex. */
export function metadataChecksums(metadata: TusMetadata | undefined): { md5?: string; sha256?: string } | undefined {
  const md5 = metadata?.md5 ? digestHex("md5", metadata.md5, 16) : undefined;
  const sha256 = metadata?.sha256 ? digestHex("sha256", metadata.sha256, 32) : undefined;
  return md5 || sha256 ? { ...(md5 && { md5 }), ...(sha256 && { sha256 }) } : undefined;
}

function digestHex(key: string, value: string, bytes: number): string {
  const trimmed = value.trim();
  if (new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`).test(trimmed)) return trimmed.toLowerCase();
  const decoded = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, "base64") : Buffer.alloc(0);
  if (decoded.length !== bytes) throw Errors.INVALID_PARAMETER({ detail: `Upload-Metadata '${key}' must be the ${bytes}-byte digest in hex or base64`, source: SOURCE });
  return decoded.toString("hex");
}

function parseJsonObject(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw Errors.INVALID_PARAMETER({ detail: "Upload-Metadata 'default_field_metadata' must be a JSON object", source: SOURCE });
  }
  const unstorable = findUnstorableJson(parsed);
  if (unstorable) throw Errors.INVALID_PARAMETER({ detail: `Upload-Metadata 'default_field_metadata': ${unstorableReason(unstorable.problem)}`, source: SOURCE });
  return parsed as Record<string, unknown>;
}
