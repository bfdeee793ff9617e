import type { FieldCatalog, FieldSpec, FieldType } from "@assets/core";
import { DATASET_SUBTYPES, DATE_TYPES } from "./dataset-type.js";

const own = (column: string, type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => ({ type, path: ["dataset", column], ...extra });
const nullable = (column: string, type: FieldType): FieldSpec => own(column, type, { nullable: true });

/**
 * Queryable fields of a dataset or document (the `Dataset` row), by GeoNode's names, with
 * paths starting at Resource. The core JSON:API and the GeoNode dialect both query through it.
 */
export const DATASET_FIELDS: FieldCatalog = {
  subtype: own("subtype", "enum", { values: DATASET_SUBTYPES }),
  alternate: own("alternate", "string", { nullable: true, search: true }),
  srid: nullable("srid", "string"),
  feature_count: nullable("feature_count", "integer"),
  geometry_type: nullable("geometry_type", "string"),
  "category.identifier": nullable("category", "string"),
  "regions.code": own("regions", "string[]"),
  date: own("date", "datetime"),
  date_type: own("date_type", "enum", { values: DATE_TYPES }),
  temporal_extent_start: nullable("temporal_extent_start", "datetime"),
  temporal_extent_end: nullable("temporal_extent_end", "datetime"),
  "license.identifier": nullable("license", "string"),
  is_published: own("is_published", "boolean"),
  is_approved: own("is_approved", "boolean"),
  featured: own("featured", "boolean"),
  ll_bbox_x0: nullable("ll_bbox_x0", "float"),
  ll_bbox_y0: nullable("ll_bbox_y0", "float"),
  ll_bbox_x1: nullable("ll_bbox_x1", "float"),
  ll_bbox_y1: nullable("ll_bbox_y1", "float"),
};
