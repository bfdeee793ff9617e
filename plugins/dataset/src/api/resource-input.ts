import { z } from "zod";
import { schemaComponent } from "@assets/core";
import { invalidFields, type FieldErrors } from "@assets/drf";
import { parseDatasetPatch } from "./dataset-input.js";
import { GEONODE_TYPES, type GeonodeType, type ResourceBaseCreate, type ResourceBasePatch } from "./resource-base-service.js";

/**
 * Request bodies of GeoNode's resource writes, as dynamic-rest reads them:
 * a record, or the record under the serializer's singular name
 * (`{"dataset": {...}}`); lists (bulk) bare or under the plural name
 * (`{"datasets": [...]}`). Read-only and unknown fields are ignored, as DRF
 * ignores them; a writable field with a bad value is a field-keyed 400.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const MAX_TITLE = 255;
const MAX_ABSTRACT = 2000;

function keywordNames(value: unknown, errors: FieldErrors): string[] | undefined {
  if (!Array.isArray(value)) {
    errors.keywords = ['Expected a list of items but got type "' + typeof value + '".'];
    return undefined;
  }
  const names = value.map((item) => (typeof item === "string" ? item : isRecord(item) && typeof item.name === "string" ? item.name : null));
  if (names.some((name) => name === null || name.trim() === "" || name.length > 255)) {
    errors.keywords = ["Each keyword is a name (a non-empty string of at most 255 characters) or {\"name\": …}."];
    return undefined;
  }
  return [...new Set((names as string[]).map((name) => name.trim()))];
}

function text(value: unknown, field: string, max: number, errors: FieldErrors, required: boolean): string | undefined {
  if (typeof value !== "string") {
    errors[field] = [value === null ? "This field may not be null." : "Not a valid string."];
    return undefined;
  }
  if (required && value.trim() === "") {
    errors[field] = ["This field may not be blank."];
    return undefined;
  }
  if (value.length > max) {
    errors[field] = [`Ensure this field has no more than ${max} characters.`];
    return undefined;
  }
  return value;
}

const keyword = z.union([z.string().min(1).max(255), z.object({ name: z.string().min(1).max(255) })]);
const related = (what: string) => z.union([z.object({ identifier: z.string() }), z.number().int(), z.string(), z.null()]).describe(what);
const flag = (what: string) => z.boolean().optional().describe(what);

/** A record's writable fields as `parsePatch` reads them (it checks them with DRF's messages; this documents them). */
export const RESOURCE_WRITE = schemaComponent(
  "ResourceWrite",
  z.looseObject({
    title: z.string().max(MAX_TITLE).optional(),
    abstract: z.string().max(MAX_ABSTRACT).optional(),
    keywords: z.array(keyword).optional(),
    category: related("{identifier} of an ISO topic category, or its id").optional(),
    license: related("{identifier} of a licence").optional(),
    regions: z.array(z.union([z.string(), z.object({ code: z.string() })])).optional(),
    date: z.string().optional().describe("ISO 8601"),
    date_type: z.enum(["creation", "publication", "revision"]).optional(),
    is_published: flag("kept unless the caller may publish the resource"),
    is_approved: flag("kept unless the caller is a superuser or an admin of the resource's organisation"),
    featured: flag("kept unless the caller is a superuser"),
  }),
);

/** A new record (`parseCreate`): a title, and its type unless the endpoint names it. */
export const RESOURCE_CREATE = schemaComponent("ResourceCreate", RESOURCE_WRITE.extend({ title: z.string().min(1).max(MAX_TITLE), resource_type: z.enum(Object.keys(GEONODE_TYPES) as [string, ...string[]]).optional() }));

/** The writable fields of one record; throws a field-keyed 400 listing every bad one. */
export function parsePatch(body: Record<string, unknown>): ResourceBasePatch {
  const errors: FieldErrors = {};
  const patch: ResourceBasePatch = {};
  if ("title" in body) patch.name = text(body.title, "title", MAX_TITLE, errors, true)?.trim();
  if ("abstract" in body) patch.description = text(body.abstract, "abstract", MAX_ABSTRACT, errors, false);
  if ("keywords" in body) patch.tags = keywordNames(body.keywords, errors);
  const dataset = parseDatasetPatch(body, errors);
  if (dataset) patch.dataset = dataset;
  if (Object.keys(errors).length > 0) throw invalidFields(errors);
  return patch;
}

/** The record a detail write sends, unwrapped from its singular key when enveloped. */
export function singleRecord(body: unknown, singular: string): Record<string, unknown> {
  const record = isRecord(body) && isRecord(body[singular]) ? body[singular] : body;
  if (!isRecord(record)) throw invalidFields({ non_field_errors: ["Invalid data. Expected a dictionary, but got " + (Array.isArray(record) ? "list" : typeof record) + "."] });
  return record;
}

/** The records of a bulk write (a list, or one under the plural or singular name), or null for a single record. */
export function bulkRecords(body: unknown, singular: string, plural: string): Record<string, unknown>[] | null {
  const list = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body[plural]) ? body[plural] : null;
  if (list === null) return null;
  if (list.length === 0) throw invalidFields({ non_field_errors: ["This list may not be empty."] });
  if (!list.every(isRecord)) throw invalidFields({ non_field_errors: [`Each ${singular} must be an object.`] });
  return list as Record<string, unknown>[];
}

/** The id (`id` or `pk`) a bulk update or delete item names. */
export function recordId(record: Record<string, unknown>, index: number): string {
  const id = record.id ?? record.pk;
  if ((typeof id === "number" && Number.isInteger(id) && id > 0) || (typeof id === "string" && /^\d+$/.test(id))) return String(id);
  throw invalidFields({ [`${index}.id`]: ["Each record needs its id (or pk)."] });
}

/** One new resource: a title and optionally its type (`resource_type`, default the endpoint's). */
export function parseCreate(record: Record<string, unknown>, defaultType: GeonodeType | null): ResourceBaseCreate {
  const raw: unknown = record.resource_type ?? defaultType ?? undefined;
  if (typeof raw !== "string" || !Object.hasOwn(GEONODE_TYPES, raw)) {
    throw invalidFields({ resource_type: [`"${String(raw)}" is not a valid choice; allowed: ${Object.keys(GEONODE_TYPES).join(", ")}.`] });
  }
  if (!("title" in record)) throw invalidFields({ title: ["This field is required."] });
  const patch = parsePatch(record);
  return { ...patch, name: patch.name!, type: raw as GeonodeType };
}
