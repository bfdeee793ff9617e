import type { FieldErrors } from "@assets/drf";
import { DATE_TYPES } from "../model/dataset-type.js";
import { TOPIC_CATEGORIES } from "./topic-categories.js";

/**
 * The Dataset columns a GeoNode write may set, read as GeoNode's `ResourceBaseSerializer`
 * reads them: `category` and `license` are `ComplexDynamicRelationField`s (a pk, an object such
 * as `{"identifier": "elevation"}`, either as a JSON string, or null), `date` a DRF
 * DateTimeField, `date_type` one of the model's choices, the flags DRF BooleanFields.
 * `regions` are written too (GeoNode's serializer has them read-only and drops them): a list
 * of codes or `{"code": …}`.
 */
export interface DatasetPatch {
  category?: string | null;
  license?: string | null;
  regions?: string[];
  date?: Date;
  date_type?: string;
  is_published?: boolean;
  is_approved?: boolean;
  featured?: boolean;
}

/** The fields of {@link DatasetPatch} that only some callers may change (GeoNode's `ResourceManagementField`). */
export const MANAGEMENT_FIELDS = ["is_published", "is_approved", "featured"] as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** A JSON string holding an object or number is read as that value, as ComplexDynamicRelationField does. */
function decoded(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return isRecord(parsed) || typeof parsed === "number" ? parsed : value;
  } catch {
    return value;
  }
}

/** dynamic-rest's message for a related object that does not exist. */
const notFound = (field: string, model: string, value: unknown) => `Invalid value for '${field}': ${model} object with ID=${JSON.stringify(value)} not found`;

function category(raw: unknown, errors: FieldErrors): string | null | undefined {
  const value = decoded(raw);
  if (value === null) return null;
  // An object is looked up by its fields ({identifier} or {id}/{pk}), anything else as the pk.
  const identifier = isRecord(value) ? value.identifier : undefined;
  const pk = isRecord(value) ? (value.id ?? value.pk) : value;
  const found = TOPIC_CATEGORIES.find((c) => (identifier !== undefined ? c.identifier === identifier : /^\d+$/.test(String(pk)) && c.id === Number(pk)));
  if (!found) errors.category = [notFound("category", "TopicCategory", value)];
  return found?.identifier;
}

/** No licence table here: a licence is named by its identifier (GeoNode's `License.identifier`). */
function license(raw: unknown, errors: FieldErrors): string | null | undefined {
  const value = decoded(raw);
  if (value === null) return null;
  const identifier = isRecord(value) ? value.identifier : value;
  if (typeof identifier !== "string" || !/^[A-Za-z0-9][A-Za-z0-9._+-]{0,99}$/.test(identifier)) {
    errors.license = [`Send the licence as {"identifier": "<identifier>"} (letters, digits, . _ + -): ${notFound("license", "License", value)}`];
    return undefined;
  }
  return identifier;
}

function regions(value: unknown, errors: FieldErrors): string[] | undefined {
  const list = Array.isArray(value) ? value.map((item) => (isRecord(item) ? item.code : item)) : null;
  if (!list || !list.every((code) => typeof code === "string" && /^[A-Za-z0-9_-]{1,50}$/.test(code))) {
    errors.regions = ['Expected a list of region codes ("NLD") or {"code": …}.'];
    return undefined;
  }
  return [...new Set(list as string[])];
}

/** DRF's BooleanField: its TRUE_VALUES and FALSE_VALUES. */
function boolean(value: unknown, field: string, errors: FieldErrors): boolean | undefined {
  if ([true, 1, "1", "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "t", "T", "y", "Y"].includes(value as never)) return true;
  if ([false, 0, "0", "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "f", "F", "n", "N"].includes(value as never)) return false;
  errors[field] = ["Must be a valid boolean."];
  return undefined;
}

/** ISO 8601 as DRF's DateTimeField reads it: a date, or a date and time with an optional offset. */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function date(value: unknown, errors: FieldErrors): Date | undefined {
  const parsed = typeof value === "string" && ISO_8601.test(value.trim()) ? new Date(value.trim().replace(" ", "T")) : null;
  if (!parsed || Number.isNaN(parsed.getTime())) {
    errors.date = ["Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."];
    return undefined;
  }
  return parsed;
}

function dateType(value: unknown, errors: FieldErrors): string | undefined {
  if (typeof value === "string" && (DATE_TYPES as readonly string[]).includes(value)) return value;
  errors.date_type = [`"${String(value)}" is not a valid choice.`];
  return undefined;
}

/** The Dataset fields of a write body (none: undefined); bad values go into `errors`. */
export function parseDatasetPatch(body: Record<string, unknown>, errors: FieldErrors): DatasetPatch | undefined {
  const patch: DatasetPatch = {};
  if ("category" in body) patch.category = category(body.category, errors);
  if ("license" in body) patch.license = license(body.license, errors);
  if ("regions" in body) patch.regions = regions(body.regions, errors);
  if ("date" in body) patch.date = date(body.date, errors);
  if ("date_type" in body) patch.date_type = dateType(body.date_type, errors);
  for (const field of MANAGEMENT_FIELDS) if (field in body) patch[field] = boolean(body[field], field, errors);
  return Object.keys(patch).length > 0 ? patch : undefined;
}
