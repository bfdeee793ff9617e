import { GEONODE_PERMISSION, type ResourceAction } from "@assets/core";
import { renderSelected, type FieldSelection, type SerializerFields } from "@assets/drf";
import { renderEntries, storedEntries } from "./extra-metadata.js";
import type { GeonodeUrls } from "./geonode-urls.js";
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
  "srid",
  "date",
  "date_type",
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
export const DATASET_SERIALIZER: SerializerFields = { name: "dataset", fields: [...RESOURCE_FIELDS, "name", "attribute_set", "featureinfo_custom_template", "default_style", "styles"], deferred: ["metadata"] };
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
  const { row } = view;
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
      return [];
    case "category":
    case "license":
      return null;
    case "title":
    case "name":
      return row.name;
    case "abstract":
    case "raw_abstract":
      return row.description;
    case "alternate":
      return `geonode:${row.uuid}`;
    case "bbox_polygon":
    case "ll_bbox_polygon":
      return bboxPolygon(WORLD);
    case "srid":
      return "EPSG:4326";
    case "date":
    case "created":
      return row.created_at.toISOString();
    case "last_updated":
      return row.updated_at.toISOString();
    case "date_type":
      return "publication";
    case "group":
      return row.organisation ? { pk: row.organisation.id, name: row.organisation.name } : null;
    case "featured":
      return false;
    case "advertised":
    case "is_published":
    case "is_approved":
      return true;
    case "detail_url":
      return urls.site(`/catalogue/#/${type}/${row.id}`);
    case "embed_url":
      return urls.site(`/${type}s/${row.id}/embed`);
    case "link":
      return urls.api(`/resources/${row.id}`);
    case "thumbnail_url":
      return null;
    case "subtype":
      return null;
    case "favorite":
      return view.favorite;
    case "is_copyable":
      return view.actions.includes("change");
    case "download_url":
      return view.actions.includes("download") ? urls.site(`/${type}s/${row.id}/download`) : null;
    case "links":
      return [];
    case "extra_metadata":
    case "metadata":
      return renderEntries(storedEntries(row.extra_metadata));
    case "attribute_set":
    case "styles":
      return [];
    case "featureinfo_custom_template":
      return "";
    case "default_style":
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
