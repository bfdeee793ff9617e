/**
 * The bodies of DatoCMS's `POST /uploads` and `PUT /uploads/:id`, parsed once for both. A create
 * names its upload request's `path`; an update is partial: only the attributes given change,
 * `default_field_metadata` merging per locale and, within a locale, per key (alt, title,
 * custom_data, focal_point), so setting a focal point keeps the alt text. An update's `path`
 * names a new upload request whose file replaces the asset's, and `basename` renames the file.
 */
import { z } from "zod";
import { parseJsonApiBody, UnrecoverableError } from "@assets/core";
import { clientMetadata, type ClientMetadata, type LocaleMetadata } from "../model/client-metadata.js";
import { DatocmsErrors } from "./datocms-errors.js";
import { checkLocales, type SiteLocales } from "./site-locales.js";

/** `{ data: { type: "upload_collection", id } | null }`, as every body that links an upload collection has it. */
export const COLLECTION_LINKAGE = z.object({ data: z.object({ type: z.literal("upload_collection"), id: z.string().regex(/^\d{1,9}$/) }).nullable() });
const RELATIONSHIPS = z.object({ upload_collection: COLLECTION_LINKAGE.optional() });

/** The client attributes a create and an update share (DatoCMS's UploadCreateSchema / UploadUpdateSchema). */
const SHARED = {
  author: z.string().max(1000).nullish(),
  copyright: z.string().max(1000).nullish(),
  notes: z.string().max(10_000).nullish(),
  tags: z.array(z.string().max(200)).max(100).optional(),
  default_field_metadata: z.record(z.string().min(1).max(20), z.record(z.string(), z.unknown())).optional(),
};
const CREATE_ATTRIBUTES = z.object({ path: z.string().min(1).max(2048), ...SHARED });
const UPDATE_ATTRIBUTES = z.object({ path: z.string().min(1).max(2048).optional(), basename: z.string().trim().min(1).max(255).optional(), ...SHARED });

/** The POST and PUT bodies, for the OpenAPI document: what {@link parseUploadCreate} and {@link parseUploadUpdate} read. */
export const UPLOAD_CREATE_DOCUMENT = z.object({ data: z.object({ type: z.literal("upload"), attributes: CREATE_ATTRIBUTES, relationships: RELATIONSHIPS.optional() }) });
export const UPLOAD_UPDATE_DOCUMENT = z.object({ data: z.object({ type: z.literal("upload"), id: z.string().optional(), attributes: UPDATE_ATTRIBUTES, relationships: RELATIONSHIPS.optional() }) });

/** What a body asks for: the checked client attributes, the upload request whose file is the asset's, a new basename. */
export interface UploadChanges {
  path?: string;
  basename?: string;
  metadata: ClientMetadata;
}

/** The upload collection relationship (`{ data: { type, id } | null }`), as an id, null, or undefined when absent. */
export function parseCollection(body: unknown): number | null | undefined {
  const relationships = RELATIONSHIPS.safeParse((body as { data?: { relationships?: unknown } } | null)?.data?.relationships ?? {});
  if (!relationships.success) throw DatocmsErrors.INVALID_FIELD("upload_collection", "relationships.upload_collection must be { data: { type: 'upload_collection', id } } or { data: null }");
  const collection = relationships.data.upload_collection;
  return collection === undefined ? undefined : collection.data === null ? null : Number(collection.data.id);
}

/** The attributes as {@link clientMetadata} checks them; a bad value is a 422 INVALID_FIELD naming the attribute (e.g. `default_field_metadata.en.focal_point.x`). */
function checkedMetadata(body: unknown, attributes: Record<string, unknown>, locales: SiteLocales): ClientMetadata {
  const collection = parseCollection(body);
  const raw = { ...Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== undefined)), ...(collection !== undefined ? { upload_collection_id: collection } : {}) };
  let metadata: ClientMetadata;
  try {
    metadata = clientMetadata(raw);
  } catch (error) {
    if (!(error instanceof UnrecoverableError)) throw error;
    // clientMetadata's messages start with the attribute they are about.
    throw DatocmsErrors.INVALID_FIELD(error.message.split(" ")[0]!, error.message);
  }
  if (metadata.default_field_metadata) checkLocales(locales, metadata.default_field_metadata);
  return metadata;
}

/** Parses and checks a POST body: the upload request's path and the client attributes. */
export function parseUploadCreate(body: unknown, locales: SiteLocales): { path: string; metadata: ClientMetadata } {
  const { path, ...attributes } = parseJsonApiBody(body, CREATE_ATTRIBUTES, "upload");
  return { path, metadata: checkedMetadata(body, attributes, locales) };
}

/** Parses and checks a PUT body. */
export function parseUploadUpdate(body: unknown, locales: SiteLocales): UploadChanges {
  const { path, basename, ...attributes } = parseJsonApiBody(body, UPDATE_ATTRIBUTES, "upload");
  return { ...(path !== undefined ? { path } : {}), ...(basename !== undefined ? { basename } : {}), metadata: checkedMetadata(body, attributes, locales) };
}

/** `current` with `given` merged in: per locale, and per key within a locale. */
export function mergeFieldMetadata(current: unknown, given: Readonly<Record<string, LocaleMetadata>>): Record<string, LocaleMetadata> {
  const base = typeof current === "object" && current !== null && !Array.isArray(current) ? (current as Record<string, LocaleMetadata>) : {};
  const merged: Record<string, LocaleMetadata> = { ...base };
  for (const [locale, values] of Object.entries(given)) merged[locale] = { ...base[locale], ...values };
  return merged;
}
