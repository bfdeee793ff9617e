import { Errors } from "../errors/index.js";
import { lookupField, OPERATORS_BY_TYPE, type ListOptions } from "./field-catalog.js";
import { operatorSpec } from "./operators.js";
import { parseBooleanFlag, parseFieldValue } from "./parse-value.js";
import type { Condition, MatchPattern, Operator, Page, SortKey } from "./types.js";

/**
 * Shared checks every dialect uses to turn raw strings into canonical query
 * parts, so all dialects reject the same things with the same messages.
 */

function invalid(parameter: string, detail: string) {
  return Errors.INVALID_PARAMETER({ detail, source: { parameter } });
}

function resolveField(options: ListOptions, name: string, parameter: string, use: "filter" | "sort") {
  const found = lookupField(options.fields, name);
  const usable = found && (use === "filter" ? found[1].filterable !== false : found[1].sortable !== false && found[1].type !== "string[]");
  if (!found || !usable) {
    const names = Object.entries(options.fields)
      .filter(([, s]) => (use === "filter" ? s.filterable !== false : s.sortable !== false && s.type !== "string[]"))
      .map(([n]) => n);
    throw invalid(parameter, `Unknown ${use === "filter" ? "filter" : "sort"} field '${name}'; allowed: ${names.join(", ")}`);
  }
  if (options.canReadField && !options.canReadField(found[0])) {
    throw invalid(parameter, `You may not ${use} on field '${name}'`);
  }
  return found;
}

/**
 * PostgreSQL text cannot hold NUL: a `%00` anywhere in a filter, search or
 * sort value would fail in the database, so every dialect refuses it first.
 */
export function rejectNulCharacters(params: URLSearchParams): void {
  for (const [key, value] of params) {
    if (value.includes("\u0000") || key.includes("\u0000")) throw invalid(key, "Query parameters may not contain NUL characters (%00)");
  }
}

/** Raw input of one condition: a string, a list (for in/not_in), or a matches pattern. */
export type RawConditionValue = string | readonly string[] | MatchPattern;

/** Validates field, operator and value and returns a typed condition. */
export function buildCondition(
  options: ListOptions,
  fieldName: string,
  op: Operator,
  raw: RawConditionValue,
  parameter: string,
  insensitive = false,
): Condition {
  const [field, spec] = resolveField(options, fieldName, parameter, "filter");
  if (!OPERATORS_BY_TYPE[spec.type].includes(op)) {
    throw invalid(parameter, `Operator '${op}' is not allowed on ${spec.type} field '${fieldName}'; allowed: ${OPERATORS_BY_TYPE[spec.type].join(", ")}`);
  }
  const { operand } = operatorSpec(op);
  if (operand === "pattern") {
    if (typeof raw !== "object" || Array.isArray(raw)) throw invalid(parameter, `'${op}' takes a pattern`);
    const pattern = raw as MatchPattern;
    if (pattern.pattern === "") throw invalid(parameter, `'${op}' needs a non-empty pattern`);
    return { kind: "condition", field, op, value: pattern, ...(pattern.regexp ? { parameter } : {}) };
  }
  if (typeof raw === "object" && !Array.isArray(raw)) throw invalid(parameter, `'${op}' takes a plain value`);
  if (operand === "flag") {
    if (typeof raw !== "string") throw invalid(parameter, `'${op}' takes true or false`);
    return { kind: "condition", field, op, value: parseBooleanFlag(raw, parameter) };
  }
  if (operand === "list") {
    const items = (typeof raw === "string" ? raw.split(",") : [...(raw as readonly string[])]).map((s) => s.trim()).filter((s) => s !== "");
    if (items.length === 0) throw invalid(parameter, `'${op}' needs at least one value`);
    return { kind: "condition", field, op, value: items.map((item) => parseFieldValue(spec, item, parameter)), insensitive };
  }
  if (typeof raw !== "string") throw invalid(parameter, `'${op}' takes a single value`);
  return { kind: "condition", field, op, value: parseFieldValue(spec, raw, parameter), insensitive };
}

/** Validates a sort key. */
export function buildSortKey(options: ListOptions, fieldName: string, direction: "asc" | "desc", parameter: string): SortKey {
  const [field] = resolveField(options, fieldName, parameter, "sort");
  return { field, direction };
}

/** Page size when an endpoint names none, and the largest one it accepts unless it says otherwise. */
export const DEFAULT_PAGE_LIMIT = 30;
export const MAX_PAGE_LIMIT = 500;

/** Parses offset/limit, with the endpoint's default and maximum limit. */
export function buildPage(
  options: ListOptions,
  raw: { offset?: string; limit?: string },
  names: { offset: string; limit: string },
): Page {
  const maxLimit = options.maxLimit ?? MAX_PAGE_LIMIT;
  const parse = (value: string | undefined, parameter: string, fallback: number) => {
    if (value === undefined || value === "") return fallback;
    if (!/^[+-]?\d+$/.test(value)) throw invalid(parameter, `'${value}' is not an integer`);
    const n = Number(value);
    if (n < 0) throw invalid(parameter, `${parameter} must not be negative`);
    return n;
  };
  const offset = parse(raw.offset, names.offset, 0);
  const limit = parse(raw.limit, names.limit, options.defaultLimit ?? DEFAULT_PAGE_LIMIT);
  if (limit > maxLimit) throw invalid(names.limit, `${names.limit} must be at most ${maxLimit}`);
  if (limit === 0) throw invalid(names.limit, `${names.limit} must be at least 1`);
  if (!Number.isSafeInteger(offset)) throw invalid(names.offset, `${names.offset} is too large`);
  return { offset, limit };
}

/** The sort used when the request names none. */
export function defaultSort(options: ListOptions): SortKey[] {
  return options.defaultSort ? options.defaultSort.map((key) => ({ ...key })) : [];
}
