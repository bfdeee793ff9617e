import type { FieldCatalog, FieldSpec, FieldType } from "@assets/core";

const own = (column: string, type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => ({ type, path: ["image_asset", column], ...extra });
const nullable = (column: string, type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => own(column, type, { nullable: true, ...extra });

/**
 * Queryable fields of an image asset by DatoCMS's names, with paths starting at Resource
 * (the core's `created_at`/`updated_at`, aliased `_created_at`/`_updated_at`, and `tags`
 * come from Resource). The DatoCMS profile's `filter[fields]` and `order_by` will query
 * through this table; the core JSON:API already does.
 */
export const IMAGE_ASSET_FIELDS: FieldCatalog = {
  size: own("size", "bigint"),
  width: nullable("width", "integer"),
  height: nullable("height", "integer"),
  path: own("path", "string"),
  basename: own("basename", "string", { search: true }),
  filename: own("filename", "string", { search: true }),
  format: nullable("format", "string"),
  mime_type: nullable("mime_type", "string"),
  md5: own("md5", "string"),
  is_image: own("is_image", "boolean"),
  resolution: nullable("resolution", "enum", { values: ["icon", "small", "medium", "large"] }),
  orientation: nullable("orientation", "enum", { values: ["landscape", "portrait", "square"] }),
  author: nullable("author", "string", { search: true }),
  copyright: nullable("copyright", "string", { search: true }),
  notes: nullable("notes", "string", { search: true }),
  smart_tags: own("smart_tags", "string[]", { sortable: false }),
  "upload_collection.id": nullable("upload_collection_id", "integer"),
};
