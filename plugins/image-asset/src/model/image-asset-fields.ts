import type { FieldCatalog, FieldSpec, FieldType } from "@assets/core";

const own = (column: string, type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => ({ type, path: ["image_asset", column], ...extra });
const nullable = (column: string, type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => own(column, type, { nullable: true, ...extra });

/**
 * Queryable fields an image asset adds to the core's `/resources` (paths from Resource), named
 * `image_asset.<column>` so they cannot clash with another type's `size` or `width` (the
 * raster-source type has both). The DatoCMS profile queries through its own table by DatoCMS's
 * names (profile/upload-fields.ts).
 */
export const IMAGE_ASSET_FIELDS: FieldCatalog = Object.fromEntries(Object.entries({
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
  upload_collection_id: nullable("upload_collection_id", "integer"),
} satisfies FieldCatalog).map(([name, spec]) => [`image_asset.${name}`, spec]));
