import {
  and,
  buildCondition,
  Errors,
  lookupField,
  type FilterNode,
  type ListOptions,
} from "@assets/core";
import { DJANGO_LOOKUP_OPERATORS, type DjangoLookup } from "./django-dialect.js";

/**
 * dynamic-rest's `filter{<field path>[.<operator>]}=value` parameters
 * (`DynamicFilterBackend`), parsed into the canonical filter tree: the field
 * path names a catalog field (`owner.username`, `keywords.name`), the
 * operator is a Django lookup, a leading `-` excludes the matches.
 */

/** Operators dynamic-rest accepts after the last `.` of a filter key. */
export const DYNAMIC_REST_OPERATORS = [
  "in",
  "icontains",
  "contains",
  "startswith",
  "istartswith",
  "endswith",
  "iendswith",
  "range",
  "gt",
  "lt",
  "gte",
  "lte",
  "isnull",
  "eq",
  "iexact",
] as const;
export type DynamicRestOperator = (typeof DYNAMIC_REST_OPERATORS)[number];

// dynamic-rest knows these too; they have no canonical operator here, so naming one is a 400, not a field name.
const UNSUPPORTED = new Set(["any", "all", "year", "month", "day", "week_day", "regex"]);
// dynamic-rest's `is_truthy`: only these strings are false.
const FALSY = new Set(["0", "false", ""]);
const PREFIX = "filter{";

/** dynamic-rest's `is_truthy` (used for `isnull` and boolean fields): anything but 0, false and empty is true. */
export function isTruthy(raw: string): boolean {
  return !FALSY.has(raw.toLowerCase());
}

function invalid(parameter: string, detail: string) {
  return Errors.INVALID_PARAMETER({ detail, source: { parameter } });
}

function isOperator(raw: string): raw is DynamicRestOperator {
  return (DYNAMIC_REST_OPERATORS as readonly string[]).includes(raw);
}

/** One `filter{…}` parameter split into its parts. */
interface FilterKey {
  parameter: string;
  exclude: boolean;
  field: string;
  operator: DynamicRestOperator;
}

/** `filter{-owner.username.icontains}[]` → exclude, `owner.username`, `icontains`; null for other parameters. */
function parseFilterKey(key: string): FilterKey | null {
  if (!key.startsWith(PREFIX)) return null;
  // `filter{}` is dynamic-rest's JSON-encoded complex filter.
  if (key === "filter{}") throw invalid(key, "Complex filters (filter{} with a JSON body) are not supported; use filter{field.operator}=value");
  const end = key.endsWith("}") ? key.length - 1 : key.endsWith("}[]") ? key.length - 3 : -1;
  if (end < 0) throw invalid(key, `"${key}" is not a well-formed filter key.`);
  let spec = key.slice(PREFIX.length, end);
  const exclude = spec.startsWith("-");
  if (exclude) spec = spec.slice(1);
  if (spec.includes("|")) throw invalid(key, "Filters on sideloaded relations (relation|field) are not supported");
  const parts = spec.split(".");
  const last = parts.at(-1)!;
  let operator: DynamicRestOperator = "eq";
  if (parts.length > 1 && isOperator(last)) {
    operator = last;
    parts.pop();
  } else if (parts.length > 1 && UNSUPPORTED.has(last)) {
    throw invalid(key, `Unsupported filter operator '${last}'; supported: ${DYNAMIC_REST_OPERATORS.join(", ")}`);
  }
  if (parts.some((part) => part === "")) throw invalid(key, `"${key}" is not a well-formed filter key.`);
  return { parameter: key, exclude, field: parts.join("."), operator };
}

/** The text lookups a to-many field (see {@link ElementFilterOptions}) takes on each element. */
const ELEMENT_TEXT_LOOKUPS = new Set<DynamicRestOperator>(["startswith", "istartswith", "endswith", "iendswith"]);

/** List options of an endpoint whose `string[]` fields stand for dynamic-rest's to-many relations. */
export interface ElementFilterOptions extends ListOptions {
  /**
   * `string[]` fields that dynamic-rest compares element by element
   * (`filter{keywords.name.istartswith}=wat`: a keyword starting with "wat").
   * Their startswith/endswith lookups are parsed as on a text field; the
   * caller must turn those conditions into `in` over the matching elements
   * before compiling, as no array compiler exists for them.
   */
  elementFields?: readonly string[];
}

function toCondition(given: ElementFilterOptions, key: FilterKey, values: readonly string[]): FilterNode | null {
  const { parameter, field, operator } = key;
  const found = lookupField(given.fields, field);
  if (!found || found[1].filterable === false) throw invalid(parameter, `Invalid filter field: ${field}`);
  const elementwise = found[1].type === "string[]" && ELEMENT_TEXT_LOOKUPS.has(operator) && (given.elementFields ?? []).includes(found[0]);
  const options: ListOptions = elementwise ? { ...given, fields: { ...given.fields, [found[0]]: { ...found[1], type: "string" } } } : given;
  const boolean = found[1].type === "boolean";
  // Boolean fields read their value as dynamic-rest's `is_truthy` does.
  const value = (raw: string) => (boolean ? String(isTruthy(raw)) : raw);
  switch (operator) {
    case "in":
      // Each repeated parameter is one value (`filter{subtype.in}=vector&filter{subtype.in}=raster`).
      return buildCondition(options, field, "in", values.map(value), parameter);
    case "range": {
      // Two repeated parameters, or one `low,high`.
      const bounds = values.length === 1 ? values[0]!.split(",") : values.slice(0, 2);
      if (bounds.length !== 2 || bounds.some((b) => b.trim() === "")) throw invalid(parameter, "'range' takes two values: a lower and an upper bound");
      return and(buildCondition(options, field, "gte", value(bounds[0]!.trim()), parameter), buildCondition(options, field, "lte", value(bounds[1]!.trim()), parameter));
    }
    case "isnull":
      return buildCondition(options, field, "exists", String(!isTruthy(values[0]!)), parameter);
    default: {
      const lookup: Exclude<DjangoLookup, "isnull" | "range"> = operator === "eq" ? "exact" : operator;
      const { op, insensitive = false } = DJANGO_LOOKUP_OPERATORS[lookup];
      // As dynamic-rest: every operator but in and range takes the first value.
      return buildCondition(options, field, op, value(values[0]!), parameter, insensitive);
    }
  }
}

/**
 * Parses every `filter{…}` parameter into one AND of conditions; an excluded
 * one (`filter{-field}`) becomes a NOT of its condition, as dynamic-rest's
 * `~Q(...)`. An unknown field is a 400 "Invalid filter field: …".
 */
export function parseDynamicRestFilters(params: URLSearchParams, options: ElementFilterOptions): FilterNode | null {
  const nodes: (FilterNode | null)[] = [];
  for (const key of new Set(params.keys())) {
    const parsed = parseFilterKey(key);
    if (!parsed) continue;
    const condition = toCondition(options, parsed, params.getAll(key));
    if (condition) nodes.push(parsed.exclude ? { kind: "not", node: condition } : condition);
  }
  return and(...nodes);
}
