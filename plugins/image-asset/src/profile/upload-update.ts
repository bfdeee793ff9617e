/**
 * The body of DatoCMS's `PUT /uploads/:id`: a partial update. Only the attributes given change;
 * `default_field_metadata` merges per locale and, within a locale, per key (alt, title,
 * custom_data, focal_point), so setting a focal point keeps the alt text. `path` names a new
 * upload request whose file replaces the asset's.
 */
import { z } from "zod";
import { parseJsonApiBody, UnrecoverableError } from "@assets/core";
import { clientMetadata, type ClientMetadata, type LocaleMetadata } from "../model/client-metadata.js";
import { DatocmsErrors } from "./datocms-errors.js";

const COLLECTION = z.object({ data: z.object({ type: z.literal("upload_collection"), id: z.string().regex(/^\d{1,9}$/) }).nullable() });
const RELATIONSHIPS = z.object({ upload_collection: COLLECTION.optional() });

const ATTRIBUTES = z.object({
  path: z.string().min(1).max(2048).optional(),
  author: z.string().max(1000).nullish(),
  copyright: z.string().max(1000).nullish(),
  notes: z.string().max(10_000).nullish(),
  tags: z.array(z.string().max(200)).max(100).optional(),
  default_field_metadata: z.record(z.string().min(1).max(20), z.record(z.string(), z.unknown())).optional(),
});

/** The PUT body, for the OpenAPI document: what `parseUploadUpdate` reads. */
export const UPLOAD_UPDATE_DOCUMENT = z.object({ data: z.object({ type: z.literal("upload"), id: z.string().optional(), attributes: ATTRIBUTES, relationships: RELATIONSHIPS.optional() }) });

/** What a PUT changes: the checked client attributes, and the upload request whose file replaces the asset's. */
export interface UploadChanges {
  path?: string;
  metadata: ClientMetadata;
}

/** The upload collection relationship (`{ data: { type, id } | null }`), as an id, null, or undefined when absent. */
export function parseCollection(body: unknown): number | null | undefined {
  const relationships = RELATIONSHIPS.safeParse((body as { data?: { relationships?: unknown } } | null)?.data?.relationships ?? {});
  if (!relationships.success) throw DatocmsErrors.INVALID_FIELD("upload_collection", "relationships.upload_collection must be { data: { type: 'upload_collection', id } } or { data: null }");
  const collection = relationships.data.upload_collection;
  return collection === undefined ? undefined : collection.data === null ? null : Number(collection.data.id);
}

/** Parses and checks a PUT body; a bad value is a 422 INVALID_FIELD naming the attribute (e.g. `default_field_metadata.en.focal_point.x`). */
export function parseUploadUpdate(body: unknown): UploadChanges {
  const { path, ...attributes } = parseJsonApiBody(body, ATTRIBUTES, "upload");
  const collection = parseCollection(body);
  const raw = { ...Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined)), ...(collection !== undefined ? { upload_collection_id: collection } : {}) };
  try {
    return { ...(path !== undefined ? { path } : {}), metadata: clientMetadata(raw) };
  } catch (error) {
    if (!(error instanceof UnrecoverableError)) throw error;
    // clientMetadata's messages start with the attribute they are about.
    throw DatocmsErrors.INVALID_FIELD(error.message.split(" ")[0]!, error.message);
  }
}

/** `current` with `given` merged in: per locale, and per key within a locale. */
export function mergeFieldMetadata(current: unknown, given: Readonly<Record<string, LocaleMetadata>>): Record<string, LocaleMetadata> {
  const base = typeof current === "object" && current !== null && !Array.isArray(current) ? (current as Record<string, LocaleMetadata>) : {};
  const merged: Record<string, LocaleMetadata> = { ...base };
  for (const [locale, values] of Object.entries(given)) merged[locale] = { ...base[locale], ...values };
  return merged;
}
