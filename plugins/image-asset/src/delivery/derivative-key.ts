/**
 * Where a derivative is stored and how it is named to HTTP caches: both follow from the
 * source's content hash and the resolved plan, so equal plans share one stored object.
 */
import { createHash } from "node:crypto";
import { derivativesPrefix } from "@assets/core";
import type { TransformPlan } from "./transform-plan.js";

/** Bumped when rendering changes in a way that makes stored derivatives stale. */
const RENDER_VERSION = 1;

const EXTENSIONS: Readonly<Record<TransformPlan["format"], string>> = { jpeg: "jpg", png: "png", webp: "webp", avif: "avif", gif: "gif" };
const MIME_TYPES: Readonly<Record<TransformPlan["format"], string>> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  avif: "image/avif",
  gif: "image/gif",
};

/** The plan as canonical JSON: keys sorted at every level, so the same plan always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Hex digest naming one derivative of the source whose content hash is `sourceSha256`. */
export function derivativeDigest(sourceSha256: string, plan: TransformPlan): string {
  return createHash("sha256").update(`${RENDER_VERSION}\n${sourceSha256}\n${canonical(plan)}`).digest("hex").slice(0, 40);
}

/** Storage key of a derivative, beside the source's other derivatives. */
export function derivativeKey(sourceSha256: string, plan: TransformPlan): string {
  return `${derivativesPrefix(sourceSha256)}${derivativeDigest(sourceSha256, plan)}.${EXTENSIONS[plan.format]}`;
}

/** A strong ETag: the derivative is made once per key and never changes. */
export function derivativeETag(sourceSha256: string, plan: TransformPlan): string {
  return `"${derivativeDigest(sourceSha256, plan)}"`;
}

/** The Content-Type of a derivative. */
export function derivativeMimeType(plan: TransformPlan): string {
  return MIME_TYPES[plan.format];
}
