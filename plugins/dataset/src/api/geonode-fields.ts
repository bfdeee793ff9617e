import type { FieldCatalog } from "@assets/core";
import type { ApiPreset, DynamicRestListOptions } from "@assets/drf";

/**
 * GeoNode's field names for what `filter{…}`, `sort[]` and `search_fields`
 * may name, mapped onto the Resource model (the core's columns). The keys are
 * the serializer's names, related paths spelled as dynamic-rest does
 * (`owner.username`, `keywords.name`).
 */
export const RESOURCE_BASE_FIELDS: FieldCatalog = {
  pk: { type: "integer", path: ["id"], aliases: ["id"] },
  uuid: { type: "uuid", path: ["uuid"] },
  resource_type: { type: "string", path: ["type"], aliases: ["polymorphic_ctype__model"] },
  title: { type: "string", path: ["name"], search: true },
  abstract: { type: "string", path: ["description"], search: true },
  // Keywords are the resource's tags: equality and `in` on a keyword name.
  "keywords.name": { type: "string[]", path: ["tags"], aliases: ["keywords", "keywords.slug"] },
  created: { type: "datetime", path: ["created_at"] },
  last_updated: { type: "datetime", path: ["updated_at"] },
  date: { type: "datetime", path: ["created_at"] },
  "owner.pk": { type: "integer", path: ["owner_id"], nullable: true, aliases: ["owner", "owner.id"] },
  "owner.username": { type: "string", path: ["owner", "username"] },
  "group.pk": { type: "integer", path: ["organisation_id"], nullable: true, aliases: ["group", "group.id"] },
  "group.name": { type: "string", path: ["organisation", "name"] },
};

/** GeoNode's default presets (`REST_API_PRESETS` in its settings). */
export const GEONODE_PRESETS: Readonly<Record<string, ApiPreset>> = {
  bare: { exclude: ["*"], include: ["pk", "title", "resource_type"] },
  map_viewer: { exclude: ["*"], include: ["pk", "title", "resource_type", "uuid", "thumbnail_url", "perms", "owner", "alternate", "srid", "bbox_polygon", "ll_bbox_polygon", "links", "subtype"] },
  dataset_list: { include: ["perms", "links"] },
  document_list: { include: ["perms", "links"] },
  viewer_common: { exclude: ["*"], include: ["pk", "title", "resource_type", "uuid", "perms", "owner"] },
};

/** Options shared by every GeoNode resource list: 10 a page (GeoNode's `REST_API_DEFAULT_PAGE_SIZE`), newest first. */
function listOptions(fields: FieldCatalog): DynamicRestListOptions {
  return { fields, defaultLimit: 10, maxLimit: 1000, defaultSort: [{ field: "created", direction: "desc" }], presets: GEONODE_PRESETS };
}

/** `/resources/`, `/datasets/`, `/documents/` (the typed endpoints scope the same catalog by type). */
export const RESOURCE_LIST = listOptions(RESOURCE_BASE_FIELDS);
