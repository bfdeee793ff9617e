import type { FieldCatalog } from "@assets/core";
import type { ApiPreset, DynamicRestListOptions, ExtentFields } from "@assets/drf";
import { DATASET_FIELDS } from "../model/dataset-fields.js";

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
  "owner.pk": { type: "integer", path: ["owner_id"], nullable: true, aliases: ["owner", "owner.id"] },
  "owner.username": { type: "string", path: ["owner", "username"] },
  "group.pk": { type: "integer", path: ["organisation_id"], nullable: true, aliases: ["group", "group.id"] },
  "group.name": { type: "string", path: ["organisation", "name"] },
  // The Dataset row's columns (a resource without one matches no condition on them).
  subtype: DATASET_FIELDS.subtype!,
  alternate: DATASET_FIELDS.alternate!,
  srid: DATASET_FIELDS.srid!,
  date: DATASET_FIELDS.date!,
  date_type: DATASET_FIELDS.date_type!,
  temporal_extent_start: DATASET_FIELDS.temporal_extent_start!,
  temporal_extent_end: DATASET_FIELDS.temporal_extent_end!,
  // DatasetSerializer's name (the alternate without its workspace): the QGIS plugin sorts by it.
  // Sorted through the alternate, which orders the same, as every alternate has the one workspace.
  name: { type: "string", path: ["dataset", "alternate"], nullable: true, filterable: false },
  "category.identifier": { ...DATASET_FIELDS["category.identifier"]!, aliases: ["category"] },
  "regions.code": { ...DATASET_FIELDS["regions.code"]!, aliases: ["regions", "regions.name"] },
  "license.identifier": { ...DATASET_FIELDS["license.identifier"]!, aliases: ["license"] },
  is_published: DATASET_FIELDS.is_published!,
  is_approved: DATASET_FIELDS.is_approved!,
  featured: DATASET_FIELDS.featured!,
  feature_count: DATASET_FIELDS.feature_count!,
  geometry_type: DATASET_FIELDS.geometry_type!,
  // The stored WGS84 bbox, which `extent=` intersects; not rendered under these names.
  ll_bbox_x0: { ...DATASET_FIELDS.ll_bbox_x0!, sortable: false },
  ll_bbox_y0: { ...DATASET_FIELDS.ll_bbox_y0!, sortable: false },
  ll_bbox_x1: { ...DATASET_FIELDS.ll_bbox_x1!, sortable: false },
  ll_bbox_y1: { ...DATASET_FIELDS.ll_bbox_y1!, sortable: false },
};

/** The string[] fields whose elements `filter{…}` compares one by one (dynamic-rest's to-many relations). */
export const ELEMENT_FIELDS: Readonly<Record<string, { table: "Resource" | "Dataset"; column: string }>> = {
  "keywords.name": { table: "Resource", column: "tags" },
  "regions.code": { table: "Dataset", column: "regions" },
};

/** GeoNode's `extent=minx,miny,maxx,maxy` intersects the stored WGS84 bbox. */
export const LL_BBOX: ExtentFields = { minx: "ll_bbox_x0", miny: "ll_bbox_y0", maxx: "ll_bbox_x1", maxy: "ll_bbox_y1" };

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
  return {
    fields,
    defaultLimit: 10,
    maxLimit: 1000,
    defaultSort: [{ field: "created", direction: "desc" }],
    presets: GEONODE_PRESETS,
    extent: LL_BBOX,
    // resolveElementFilters turns their text lookups into `in` before the query compiles.
    elementFields: Object.keys(ELEMENT_FIELDS),
  };
}

/** `/resources/`, `/datasets/`, `/documents/` (the typed endpoints scope the same catalog by type). */
export const RESOURCE_LIST = listOptions(RESOURCE_BASE_FIELDS);
