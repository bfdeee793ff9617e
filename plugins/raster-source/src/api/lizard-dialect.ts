import { RESOURCE_FIELDS, UPLOAD_FIELDS, type FieldCatalog } from "@assets/core";
import { DJANGO_COMPARE_LOOKUPS, DJANGO_TEXT_LOOKUPS, type DjangoListOptions } from "@assets/drf";
import { RASTER_SOURCE_FIELDS } from "../model/raster-source-fields.js";

/**
 * Lizard API v4's query parameters, declared per endpoint the way Lizard's
 * django-filter FilterSets declare them, and parsed by the core's Django
 * dialect into the one canonical list query.
 */

const EXACT_OR_IN = ["exact", "in"] as const;
const PASS_THROUGH = ["format"];

/** Resource fields plus the raster source's own: what `/rastersources/` queries. */
export const LIZARD_SOURCE_FIELDS: FieldCatalog = { ...RESOURCE_FIELDS, ...RASTER_SOURCE_FIELDS };

/** `/api/v4/rastersources/` */
export const RASTER_SOURCE_LIST: DjangoListOptions = {
  fields: LIZARD_SOURCE_FIELDS,
  defaultLimit: 10,
  maxLimit: 1000,
  defaultSort: [{ field: "id", direction: "asc" }],
  passThrough: PASS_THROUGH,
  filters: {
    name: { field: "name", lookups: DJANGO_TEXT_LOOKUPS },
    // "uuid=a,b": a comma list, in any case, with or without dashes.
    uuid: { field: "uuid", lookups: EXACT_OR_IN, default: "in" },
    organisation: { field: "organisation.uuid", lookups: EXACT_OR_IN },
    organisation__uuid: { field: "organisation.uuid", lookups: EXACT_OR_IN },
    organisation__name: { field: "organisation.name", lookups: DJANGO_TEXT_LOOKUPS },
    first_value_timestamp: { field: "first_value_timestamp", lookups: DJANGO_COMPARE_LOOKUPS },
    last_value_timestamp: { field: "last_value_timestamp", lookups: DJANGO_COMPARE_LOOKUPS },
    created: { field: "created_at", lookups: DJANGO_COMPARE_LOOKUPS },
    last_modified: { field: "updated_at", lookups: DJANGO_COMPARE_LOOKUPS },
    layers__uuid: { field: "layers.uuid", lookups: EXACT_OR_IN },
    labeltypes__uuid: { field: "labeltypes.uuid", lookups: EXACT_OR_IN },
    scenario: { field: "scenario.id", lookups: ["isnull"] },
    // By name ("Private") or by Lizard's number ("200").
    access_modifier: { field: "access_modifier", lookups: EXACT_OR_IN },
  },
  ordering: { name: "name", supplier_code: "supplier_code", size: "size", last_modified: "updated_at" },
};

/** Fields of a raster layer (`RasterLayer`), for `/api/v4/rasters/`. */
export const RASTER_LAYER_FIELDS: FieldCatalog = {
  id: { type: "integer", path: ["id"] },
  uuid: { type: "uuid", path: ["uuid"] },
  name: { type: "string", path: ["name"] },
  created_at: { type: "datetime", path: ["created_at"], aliases: ["created"] },
  updated_at: { type: "datetime", path: ["updated_at"], aliases: ["last_modified"] },
  "source.uuid": { type: "uuid", path: ["source", "resource", "uuid"] },
};

/** `/api/v4/rasters/` */
export const RASTER_LAYER_LIST: DjangoListOptions = {
  fields: RASTER_LAYER_FIELDS,
  defaultLimit: 10,
  maxLimit: 1000,
  defaultSort: [{ field: "id", direction: "asc" }],
  passThrough: PASS_THROUGH,
  filters: {
    name: { field: "name", lookups: DJANGO_TEXT_LOOKUPS },
    uuid: { field: "uuid", lookups: EXACT_OR_IN, default: "in" },
    raster_sources__uuid: { field: "source.uuid", lookups: EXACT_OR_IN },
  },
  ordering: { name: "name", created: "created_at", last_modified: "updated_at" },
};

/** `/api/v4/rastersources/{uuid}/uploads/`: newest first, at most 100 a page. */
export const RASTER_UPLOAD_LIST: DjangoListOptions = {
  fields: UPLOAD_FIELDS,
  defaultLimit: 10,
  maxLimit: 100,
  defaultSort: [{ field: "created_at", direction: "desc" }],
  passThrough: PASS_THROUGH,
  filters: { state: { field: "state", lookups: EXACT_OR_IN } },
};
