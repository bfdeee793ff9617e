import type { FieldCatalog, FieldSpec, FieldType } from "@assets/core";

const own = (column: string, type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => ({ type, path: ["raster_source", column], ...extra });
const nullable = (column: string, type: FieldType): FieldSpec => own(column, type, { nullable: true });

/**
 * Queryable fields of a raster source, by public (Lizard) name, with paths
 * starting at Resource. The core JSON:API (`/resources?filter[fields][projection][eq]=…`)
 * and the Lizard dialect (`/api/v4/rastersources/?layers__uuid=…`) both query through it.
 */
export const RASTER_SOURCE_FIELDS: FieldCatalog = {
  supplier_code: nullable("supplier_code", "string"),
  temporal: own("temporal", "boolean"),
  first_value_timestamp: own("first_value_timestamp", "datetime"),
  last_value_timestamp: own("last_value_timestamp", "datetime"),
  projection: nullable("projection", "string"),
  origin_x: nullable("origin_x", "float"),
  origin_y: nullable("origin_y", "float"),
  upper_bound_x: nullable("upper_bound_x", "float"),
  upper_bound_y: nullable("upper_bound_y", "float"),
  pixelsize_x: nullable("pixelsize_x", "float"),
  pixelsize_y: nullable("pixelsize_y", "float"),
  "spatial_bounds.west": nullable("west", "float"),
  "spatial_bounds.east": nullable("east", "float"),
  "spatial_bounds.north": nullable("north", "float"),
  "spatial_bounds.south": nullable("south", "float"),
  size: own("size", "bigint"),
  dtype: nullable("dtype", "string"),
  fill_value: nullable("fill_value", "string"),
  width: nullable("width", "integer"),
  height: nullable("height", "integer"),
  band_count: nullable("band_count", "integer"),
  cloud_optimized: nullable("cloud_optimized", "boolean"),
  "layers.uuid": { type: "uuid", path: ["raster_source", "layers", "uuid"], via: ["one", "many"], sortable: false },
  "labeltypes.uuid": { type: "uuid", path: ["raster_source", "labeltypes", "uuid"], via: ["one", "many"], sortable: false },
  "scenario.id": nullable("scenario_id", "integer"),
  "scenario.uuid": { type: "uuid", path: ["raster_source", "scenario", "uuid"], via: ["one", "one"] },
};
