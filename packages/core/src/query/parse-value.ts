import { Errors } from "../errors/index.js";
import type { FieldSpec } from "./field-catalog.js";

const INTEGER = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** A uuid as text, dashes optional (the one uuid pattern; `normalizeUuid` canonicalises a match), to embed in other patterns. */
export const UUID_TEXT = "[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}";
const UUID = new RegExp(`^${UUID_TEXT}$`, "i");
// ISO 8601 date or date-time; a date-time without offset is read as UTC.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function invalid(parameter: string, detail: string) {
  return Errors.INVALID_PARAMETER({ detail, source: { parameter } });
}

/** Largest value of a PostgreSQL `integer` (the type of every row id). */
export const MAX_ROW_ID = 2_147_483_647;

/** A row id from a path or form field: digits within PostgreSQL's `integer`, else null (it cannot exist). */
export function parseRowId(raw: string): number | null {
  if (!/^\d+$/.test(raw)) return null;
  const n = Number(raw);
  return n <= MAX_ROW_ID ? n : null;
}

/** Canonical uuid text: lower case with dashes (accepts the dashless form too). */
export function normalizeUuid(raw: string): string | null {
  if (!UUID.test(raw)) return null;
  const hex = raw.replace(/-/g, "").toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function parseDate(raw: string): Date | null {
  if (!ISO_DATE.test(raw)) return null;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(raw) && raw.length > 10;
  const text = raw.length === 10 ? `${raw}T00:00:00Z` : hasZone ? raw : `${raw}Z`;
  const date = new Date(text.replace(" ", "T"));
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * Parses one raw query-string value into the field's type, or throws a 400
 * naming `parameter`. Array fields take single string elements.
 */
export function parseFieldValue(spec: FieldSpec, raw: string, parameter: string): unknown {
  const value = spec.normalize ? spec.normalize(raw) : raw;
  switch (spec.type) {
    case "string":
    case "string[]":
      return value;
    case "integer": {
      if (!INTEGER.test(value)) throw invalid(parameter, `'${raw}' is not an integer`);
      const n = Number(value);
      if (!Number.isSafeInteger(n) || Math.abs(n) > 2_147_483_647) throw invalid(parameter, `'${raw}' is out of range`);
      return n;
    }
    case "bigint":
      if (!INTEGER.test(value)) throw invalid(parameter, `'${raw}' is not an integer`);
      return BigInt(value);
    case "float": {
      if (!FLOAT.test(value)) throw invalid(parameter, `'${raw}' is not a number`);
      return Number(value);
    }
    case "boolean": {
      const lower = value.toLowerCase();
      if (lower === "true" || lower === "1") return true;
      if (lower === "false" || lower === "0") return false;
      throw invalid(parameter, `'${raw}' is not a boolean (true or false)`);
    }
    case "datetime": {
      const date = parseDate(value);
      if (!date) throw invalid(parameter, `'${raw}' is not an ISO 8601 date or date-time`);
      return date;
    }
    case "uuid": {
      const uuid = normalizeUuid(value);
      if (!uuid) throw invalid(parameter, `'${raw}' is not a UUID`);
      return uuid;
    }
    case "enum": {
      if (!spec.values?.includes(value)) {
        throw invalid(parameter, `'${raw}' is not one of ${(spec.values ?? []).join(", ")}`);
      }
      return value;
    }
  }
}

/** Parses `true`/`false` for `exists` and `isnull`-style operators. */
export function parseBooleanFlag(raw: string, parameter: string): boolean {
  const lower = raw.toLowerCase();
  if (lower === "true" || lower === "1") return true;
  if (lower === "false" || lower === "0") return false;
  throw invalid(parameter, `'${raw}' is not a boolean (true or false)`);
}
