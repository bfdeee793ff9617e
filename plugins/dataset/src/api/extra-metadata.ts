import { z } from "zod";
import { schemaComponent } from "@assets/core";
import { invalidFields } from "@assets/drf";

/**
 * GeoNode's extra metadata: a resource's list of `{id, ...metadata}` entries
 * (`ExtraMetadata` rows), validated against GeoNode's default
 * `EXTRA_METADATA_SCHEMA` (every entry has `filter_header`, `field_name`,
 * `field_label` and `field_value`). They are kept in the resource's
 * `extra_metadata` JSON under one key, so the resource's other extra metadata
 * (what the JSON:API profile writes) is left alone.
 */

/** The key of Resource.extra_metadata that holds GeoNode's entries. */
export const ENTRIES_KEY = "geonode_extra_metadata";
/** What GeoNode's default schema requires of every entry. */
export const REQUIRED_KEYS = ["filter_header", "field_name", "field_label", "field_value"] as const;

/** One entry as GeoNode renders it, for the OpenAPI document (`parseEntries` checks the required keys). */
export const EXTRA_METADATA_ENTRY = schemaComponent(
  "ExtraMetadataEntry",
  z.looseObject({ id: z.number().int(), filter_header: z.string(), field_name: z.string(), field_label: z.string(), field_value: z.unknown() }),
);

/** One entry as GeoNode renders it. */
export type ExtraMetadataEntry = { id: number } & Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The entries stored in a resource's extra_metadata (anything malformed there is skipped). */
export function storedEntries(extra: unknown): ExtraMetadataEntry[] {
  const list = isRecord(extra) ? extra[ENTRIES_KEY] : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter((entry): entry is ExtraMetadataEntry => isRecord(entry) && Number.isInteger(entry.id));
}

/** The resource's extra_metadata with its GeoNode entries replaced. */
export function withEntries(extra: unknown, entries: readonly ExtraMetadataEntry[]): Record<string, unknown> {
  return { ...(isRecord(extra) ? extra : {}), [ENTRIES_KEY]: entries };
}

/** GeoNode's GET filter: every query parameter `key=value` must equal the entry's `key` (compared as text). */
export function filterEntries(entries: readonly ExtraMetadataEntry[], params: URLSearchParams): ExtraMetadataEntry[] {
  const conditions = [...params.entries()];
  return entries.filter((entry) => conditions.every(([key, value]) => Object.hasOwn(entry, key) && String(entry[key]) === value));
}

/** A POST or PUT body: a non-empty list of entries with GeoNode's required keys (PUT: with their ids). */
export function parseEntries(body: unknown, withIds: boolean): Record<string, unknown>[] {
  if (!Array.isArray(body) || body.length === 0) throw invalidFields({ non_field_errors: ["Expected a non-empty list of metadata objects."] });
  return body.map((entry, index) => {
    if (!isRecord(entry)) throw invalidFields({ [String(index)]: ["Each metadata entry is an object."] });
    const missing = REQUIRED_KEYS.filter((key) => !Object.hasOwn(entry, key));
    if (missing.length > 0) throw invalidFields({ [String(index)]: [`Missing ${missing.join(", ")}.`] });
    if (withIds && !Number.isInteger(entry.id)) throw invalidFields({ [`${index}.id`]: ["The id of the metadata to update is required."] });
    return entry;
  });
}

/** A DELETE body: the ids to delete. */
export function parseIds(body: unknown): number[] {
  if (!Array.isArray(body) || !body.every((id) => Number.isInteger(id))) throw invalidFields({ non_field_errors: ["Expected a list of metadata ids: [4, 3]."] });
  return body as number[];
}

/** POST: new entries get the next ids. */
export function addEntries(entries: readonly ExtraMetadataEntry[], added: readonly Record<string, unknown>[]): ExtraMetadataEntry[] {
  let next = entries.reduce((max, entry) => Math.max(max, entry.id), 0);
  return [...entries, ...added.map((metadata) => ({ ...metadata, id: ++next }))];
}

/** PUT: each named entry's metadata becomes the given one; unknown ids are ignored, as GeoNode's filter().update() does. */
export function replaceEntries(entries: readonly ExtraMetadataEntry[], updates: readonly Record<string, unknown>[]): ExtraMetadataEntry[] {
  const byId = new Map(updates.map((update) => [update.id as number, update]));
  return entries.map((entry) => (byId.has(entry.id) ? { ...byId.get(entry.id)!, id: entry.id } : entry));
}

/** DELETE: the entries whose ids are listed go. */
export function removeEntries(entries: readonly ExtraMetadataEntry[], ids: readonly number[]): ExtraMetadataEntry[] {
  const gone = new Set(ids);
  return entries.filter((entry) => !gone.has(entry.id));
}

/** GeoNode renders each entry id first. */
export function renderEntries(entries: readonly ExtraMetadataEntry[]): Record<string, unknown>[] {
  return entries.map(({ id, ...metadata }) => ({ id, ...metadata }));
}
