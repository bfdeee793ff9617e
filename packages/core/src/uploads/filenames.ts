import { basename } from "node:path";

/** Longest stored filename, in characters (well inside common file-system limits). */
const MAX_LENGTH = 200;

/**
 * A client's filename made safe to keep and show: no directories (`../`,
 * `C:\`), no control or bidi-override characters, no leading dots, bounded
 * length, extension kept. Storage keys never use it; it is metadata only.
 */
export function sanitizeFilename(name: string): string {
  const base = basename(name.replace(/\\/g, "/"));
  const cleaned = base
    .normalize("NFC")
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .replace(/[/:*?"<>|]/g, "_")
    .replace(/^[.\s]+/, "")
    .trim();
  if (!cleaned) return "upload";
  if (cleaned.length <= MAX_LENGTH) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const extension = dot > 0 && cleaned.length - dot <= 16 ? cleaned.slice(dot) : "";
  return cleaned.slice(0, MAX_LENGTH - extension.length) + extension;
}
