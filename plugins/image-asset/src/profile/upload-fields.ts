import type { FieldCatalog, FieldSpec, FieldType } from "@assets/core";
import { UPLOAD_TYPES } from "../model/upload-type.js";
import { DEFAULT_LOCALES } from "./site-locales.js";

const asset = (column: string, type: FieldType, extra: Partial<FieldSpec> = {}): FieldSpec => ({ type, path: ["image_asset", column], sortable: false, ...extra });
const sortable = { sortable: true } as const;

/** default_field_metadata's alt or title in `locale` (the asset's ImageAssetLocale row of that locale). */
function localeText(column: "alt" | "title", locale: string): FieldSpec {
  return { type: "string", path: ["image_asset", "locales", column], via: ["one", "many"], rowWhere: { locale }, nullable: true, search: true, sortable: false };
}

const byLocale = new Map<string, FieldCatalog>();

/**
 * The fields of DatoCMS's `GET /uploads` (`filter[fields]`, `filter[query]`, `order_by`) by
 * DatoCMS's names, with paths from Resource (type `image_asset`) into its ImageAsset row; alt and
 * title are those of `locale`. Only the fields DatoCMS orders by are sortable. `filter[query]`
 * searches filename, basename, notes, alt and title.
 */
export function uploadFields(locale: string = DEFAULT_LOCALES[0]!): FieldCatalog {
  const known = byLocale.get(locale);
  if (known) return known;
  const fields: FieldCatalog = {
    id: { type: "integer", path: ["id"] },
    _created_at: { type: "datetime", path: ["created_at"] },
    _updated_at: { type: "datetime", path: ["updated_at"] },
    type: asset("type", "enum", { values: UPLOAD_TYPES }),
    tags: { type: "string[]", path: ["tags"] },
    smart_tags: asset("smart_tags", "string[]"),
    size: asset("size", "bigint", sortable),
    width: asset("width", "integer", { nullable: true }),
    height: asset("height", "integer", { nullable: true }),
    resolution: asset("resolution", "enum", { nullable: true, values: ["icon", "small", "medium", "large"], ...sortable }),
    orientation: asset("orientation", "enum", { nullable: true, values: ["landscape", "portrait", "square"] }),
    format: asset("format", "string", { nullable: true, ...sortable }),
    mime_type: asset("mime_type", "string", { nullable: true, ...sortable }),
    md5: asset("md5", "string"),
    path: asset("path", "string"),
    basename: asset("basename", "string", { search: true, ...sortable }),
    filename: asset("filename", "string", { search: true, ...sortable }),
    alt: localeText("alt", locale),
    title: localeText("title", locale),
    author: asset("author", "string", { nullable: true }),
    copyright: asset("copyright", "string", { nullable: true }),
    notes: asset("notes", "string", { nullable: true, search: true }),
    is_image: asset("is_image", "boolean"),
    upload_collection: asset("upload_collection_id", "integer", { nullable: true }),
  };
  // Requests name only the site's locales; the bound guards a host that builds catalogs of its own.
  if (byLocale.size < 100) byLocale.set(locale, fields);
  return fields;
}

/** The fields in the default site's one locale (`en`). */
export const DATOCMS_UPLOAD_FIELDS: FieldCatalog = uploadFields();
