import { GEONODE_PERMISSION, type DatasetAttribute, type ResourceAction } from "@assets/core";
import { renderSelected, type FieldSelection, type SerializerFields } from "@assets/drf";
import { renderEntries, storedEntries } from "./extra-metadata.js";
import type { GeonodeUrls } from "./geonode-urls.js";
import { regionName } from "./regions.js";
import type { ResourceView } from "./resource-view.js";

/**
 * GeoNode's `ResourceBaseSerializer` (and its Dataset/Document variants):
 * the fields of `GET /api/v2/resources/`, rendered through dynamic-rest's
 * `include[]`/`exclude[]` selection.
 */

/** A GeoJSON polygon as GeoNode renders `bbox_polygon`. */
export interface GeoJsonPolygon {
  type: "Polygon";
  coordinates: number[][][];
}

/** GeoNode gives a resource without a known extent the whole world (its default bbox). */
const WORLD: readonly [number, number, number, number] = [-180, -90, 180, 90];

/** A closed ring around minx,miny,maxx,maxy, as GeoNode's `polygon_from_bbox`. */
export function bboxPolygon([minx, miny, maxx, maxy]: readonly [number, number, number, number]): GeoJsonPolygon {
  return { type: "Polygon", coordinates: [[[minx, miny], [minx, maxy], [maxx, maxy], [maxx, miny], [minx, miny]]] };
}

type Bbox = readonly [number, number, number, number];

function bboxOf(values: readonly (number | null)[]): Bbox | null {
  return values.every((v): v is number => v !== null) ? [values[0]!, values[1]!, values[2]!, values[3]!] : null;
}

/** The stored native and WGS84 boxes; the world where none is known (GeoNode's default). */
function boxes(view: ResourceView): { native: Bbox; ll: Bbox } {
  const d = view.dataset;
  const ll = d ? bboxOf([d.ll_bbox_x0, d.ll_bbox_y0, d.ll_bbox_x1, d.ll_bbox_y1]) : null;
  const native = d ? bboxOf([d.bbox_x0, d.bbox_y0, d.bbox_x1, d.bbox_y1]) : null;
  return { native: native ?? ll ?? WORLD, ll: ll ?? WORLD };
}

/** A statistic as GeoNode's text columns hold it ("NA" where it does not apply). */
const statistic = (value: string | null) => value ?? "NA";

/** GeoNode's `AttributeSerializer`. */
export function renderAttribute(a: DatasetAttribute) {
  return {
    pk: a.id,
    attribute: a.attribute,
    description: null,
    attribute_label: null,
    attribute_type: a.attribute_type,
    visible: true,
    display_order: a.display_order,
    featureinfo_type: "type_property",
    count: a.count,
    min: statistic(a.min),
    max: statistic(a.max),
    average: statistic(a.average),
    median: statistic(a.median),
    stddev: statistic(a.stddev),
    sum: statistic(a.sum),
    // A text column in GeoNode: the distinct values as JSON.
    unique_values: JSON.stringify(a.unique_values),
    last_stats_updated: null,
  };
}

/** The file's extension, as a link's `extension`. */
function extensionOf(filename: string | null): string {
  const dot = filename?.lastIndexOf(".") ?? -1;
  return dot > 0 ? filename!.slice(dot + 1).toLowerCase() : "";
}

/** GeoNode's `links`: the stored file to download (for callers who may) and the embed page. */
function linksOf(view: ResourceView, urls: GeonodeUrls) {
  const { row, dataset } = view;
  const links: Record<string, string>[] = [];
  if (dataset?.storage_key && view.actions.includes("download")) {
    links.push({ extension: extensionOf(dataset.filename), link_type: "original", name: dataset.filename ?? "data", mime: dataset.mime_type ?? "application/octet-stream", url: urls.api(`/resources/${row.id}/download`) });
  }
  links.push({ extension: "html", link_type: "html", name: "embed", mime: "text/html", url: urls.site(`/${view.resourceType}s/${row.id}/embed`) });
  return links;
}

/** Every field a resource renders, in GeoNode's order; the typed endpoints add theirs. */
const RESOURCE_FIELDS = [
  "pk",
  "uuid",
  "resource_type",
  "polymorphic_ctype_id",
  "perms",
  "owner",
  "keywords",
  "regions",
  "category",
  "title",
  "abstract",
  "raw_abstract",
  "alternate",
  "bbox_polygon",
  "ll_bbox_polygon",
  "extent",
  "srid",
  "date",
  "date_type",
  "temporal_extent_start",
  "temporal_extent_end",
  "license",
  "group",
  "featured",
  "advertised",
  "is_published",
  "is_approved",
  "detail_url",
  "embed_url",
  "link",
  "created",
  "last_updated",
  "thumbnail_url",
  "subtype",
  "favorite",
  "is_copyable",
  "download_url",
  "links",
  "extra_metadata",
  "metadata",
] as const;

/** The singular key and serializer of each endpoint. */
export const RESOURCE_SERIALIZER: SerializerFields = { name: "resource", fields: RESOURCE_FIELDS, deferred: ["metadata"] };
const DATASET_FIELDS = [...RESOURCE_FIELDS, "name", "feature_count", "geometry_type", "attribute_set", "featureinfo_custom_template", "default_style", "styles"];
export const DATASET_SERIALIZER: SerializerFields = { name: "dataset", fields: DATASET_FIELDS, deferred: ["metadata"] };
/** GeoNode's `DatasetListSerializer`: lists leave the attribute set out unless `include[]` asks for it. */
export const DATASET_LIST_SERIALIZER: SerializerFields = { name: "dataset", fields: DATASET_FIELDS, deferred: ["metadata", "attribute_set"] };
export const DOCUMENT_SERIALIZER: SerializerFields = { name: "document", fields: [...RESOURCE_FIELDS, "extension", "href", "mime_type"], deferred: ["metadata"] };

/** GeoNode's permission codenames for the caller's actions (`perms`); datasets add the data and style ones to `change`. */
export function permsList(actions: readonly ResourceAction[], resourceType: string): string[] {
  const perms = actions.map((action) => GEONODE_PERMISSION[action]);
  if (resourceType === "dataset" && actions.includes("change")) perms.push("change_dataset_data", "change_dataset_style");
  return perms;
}

function userOf(view: ResourceView, urls: GeonodeUrls) {
  const owner = view.row.owner;
  if (!owner) return null;
  return { pk: owner.id, username: owner.username, first_name: "", last_name: "", avatar: "", perms: [], link: urls.api(`/users/${owner.id}`) };
}

/** One field's value. */
function fieldValue(view: ResourceView, field: string, urls: GeonodeUrls): unknown {
  const { row, dataset } = view;
  const type = view.resourceType;
  switch (field) {
    case "pk":
      return String(row.id);
    case "uuid":
      return row.uuid;
    case "resource_type":
      return type;
    case "polymorphic_ctype_id":
      return null;
    case "perms":
      return permsList(view.actions, type);
    case "owner":
      return userOf(view, urls);
    case "keywords":
      return row.tags.map((name) => ({ name, slug: name }));
    case "regions":
      return (dataset?.regions ?? []).map((code) => ({ code, name: regionName(code) }));
    case "category":
      return dataset?.category ? { identifier: dataset.category } : null;
    case "license":
      return dataset?.license ? { identifier: dataset.license } : null;
    case "title":
      return row.name;
    case "name":
      return dataset?.alternate?.replace(/^[^:]*:/, "") ?? row.name;
    case "abstract":
    case "raw_abstract":
      return row.description;
    case "alternate":
      return dataset?.alternate ?? null;
    case "bbox_polygon":
      return bboxPolygon(boxes(view).native);
    case "ll_bbox_polygon":
      return bboxPolygon(boxes(view).ll);
    case "extent":
      return { coords: [...boxes(view).ll], srid: "EPSG:4326" };
    case "srid":
      return dataset ? dataset.srid : "EPSG:4326";
    case "date":
      return (dataset?.date ?? row.created_at).toISOString();
    case "created":
      return row.created_at.toISOString();
    case "last_updated":
      return row.updated_at.toISOString();
    case "date_type":
      return dataset?.date_type ?? "publication";
    case "temporal_extent_start":
      return dataset?.temporal_extent_start?.toISOString() ?? null;
    case "temporal_extent_end":
      return dataset?.temporal_extent_end?.toISOString() ?? null;
    case "group":
      return row.organisation ? { pk: row.organisation.id, name: row.organisation.name } : null;
    case "featured":
      return dataset?.featured ?? false;
    case "is_published":
      return dataset?.is_published ?? true;
    case "is_approved":
      return dataset?.is_approved ?? true;
    case "advertised":
      return true;
    case "detail_url":
      return urls.site(`/catalogue/#/${type}/${row.id}`);
    case "embed_url":
      return urls.site(`/${type}s/${row.id}/embed`);
    case "link":
      return urls.api(`/resources/${row.id}`);
    case "thumbnail_url":
      return dataset?.thumbnail_key ? urls.api(`/resources/${row.id}/thumbnail.png`) : null;
    case "subtype":
      return dataset?.subtype ?? null;
    case "feature_count":
      return dataset?.feature_count ?? null;
    case "geometry_type":
      return dataset?.geometry_type ?? null;
    case "favorite":
      return view.favorite;
    case "is_copyable":
      return view.actions.includes("change");
    case "download_url":
      return dataset?.storage_key && view.actions.includes("download") ? urls.api(`/resources/${row.id}/download`) : null;
    case "links":
      return linksOf(view, urls);
    case "extra_metadata":
    case "metadata":
      return renderEntries(storedEntries(row.extra_metadata));
    case "attribute_set":
      return view.attributes.map(renderAttribute);
    case "styles":
      return [];
    case "featureinfo_custom_template":
      return "";
    case "default_style":
      return null;
    case "extension":
      return extensionOf(dataset?.filename ?? null);
    case "mime_type":
      return dataset?.mime_type ?? null;
    case "href":
      return null;
    default:
      return null;
  }
}

/** Renders one resource through the request's field selection. */
export function serializeResource(view: ResourceView, serializer: SerializerFields, selection: FieldSelection | undefined, urls: GeonodeUrls): Record<string, unknown> {
  return renderSelected(selection, serializer, (field, nested) => {
    const value = fieldValue(view, field, urls);
    // A nested selection (`include[]=owner.username`) trims an embedded object too.
    if (nested && value && typeof value === "object" && !Array.isArray(value)) {
      const names = Object.keys(value);
      return renderSelected(nested, { name: field, fields: names }, (name) => (value as Record<string, unknown>)[name]);
    }
    return value;
  });
}
