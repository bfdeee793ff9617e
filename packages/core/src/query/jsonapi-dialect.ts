import { Errors } from "../errors/index.js";
import { buildCondition, buildPage, buildSortKey, defaultSort, rejectNulCharacters } from "./build-query.js";
import type { ListOptions } from "./field-catalog.js";
import { isOperator, OPERATOR_NAMES, operatorSpec } from "./operators.js";
import { parseBooleanFlag } from "./parse-value.js";
import { and, type FilterNode, type ListQuery, type Operator, type SortKey } from "./types.js";

/**
 * The JSON:API dialect (DatoCMS's): `filter[ids]`, `filter[query]`,
 * `filter[fields][<field>][<op>]`, `order_by=<field>_<ASC|DESC>,…`,
 * `page[offset]`, `page[limit]`.
 */

const FIELD_KEY = /^filter\[fields\]\[([^\]]+)\](?:\[([A-Za-z_]+)\])?(?:\[([a-z_]*)\])?$/;
/** Operator names of this dialect that the canonical table spells otherwise: DatoCMS's camelCase ones among them. */
const ALIASES: Record<string, Operator> = { any_in: "in", not_eq: "neq", anyIn: "in", notIn: "not_in", allIn: "all_in", notMatches: "not_matches" };
// String operators that are case-insensitive in this dialect (DatoCMS's text filters are).
const INSENSITIVE: ReadonlySet<Operator> = new Set(["contains", "starts_with", "ends_with"]);

function invalid(parameter: string, detail: string) {
  return Errors.INVALID_PARAMETER({ detail, source: { parameter } });
}

interface PendingCondition {
  field: string;
  op: Operator;
  parameter: string;
  values: string[];
  pattern: Record<string, string>;
}

function parseOperator(raw: string | undefined, parameter: string): Operator {
  if (raw === undefined) return "eq";
  const op = Object.hasOwn(ALIASES, raw) ? ALIASES[raw]! : raw;
  if (!isOperator(op)) throw invalid(parameter, `Unknown operator '${raw}'; allowed: ${OPERATOR_NAMES.join(", ")}`);
  return op;
}

function collectFieldConditions(params: URLSearchParams): Map<string, PendingCondition> {
  const pending = new Map<string, PendingCondition>();
  for (const [key, value] of params) {
    if (!key.startsWith("filter[fields]")) continue;
    const match = FIELD_KEY.exec(key);
    if (!match) throw invalid(key, "Expected filter[fields][<field>][<operator>]");
    const [, field, rawOp, sub] = match as unknown as [string, string, string | undefined, string | undefined];
    const op = parseOperator(rawOp, key);
    const id = `${field}\u0000${op}`;
    const entry = pending.get(id) ?? { field, op, parameter: `filter[fields][${field}][${rawOp ?? "eq"}]`, values: [], pattern: {} };
    if (operatorSpec(op).operand === "pattern") {
      if (!sub) entry.pattern.pattern = value;
      else if (["pattern", "case_sensitive", "regexp"].includes(sub)) entry.pattern[sub] = value;
      else throw invalid(key, `Unknown matches option '${sub}'; allowed: pattern, case_sensitive, regexp`);
    } else if (sub !== undefined && sub !== "") {
      throw invalid(key, `Unexpected '[${sub}]' after operator '${op}'`);
    } else {
      entry.values.push(value);
    }
    pending.set(id, entry);
  }
  return pending;
}

function toCondition(options: ListOptions, entry: PendingCondition): FilterNode {
  if (operatorSpec(entry.op).operand === "pattern") {
    const { pattern = "", case_sensitive = "false", regexp = "false" } = entry.pattern;
    const caseSensitive = parseBooleanFlag(case_sensitive, `${entry.parameter}[case_sensitive]`);
    const regular = parseBooleanFlag(regexp, `${entry.parameter}[regexp]`);
    return buildCondition(options, entry.field, entry.op, { pattern, caseSensitive, ...(regular ? { regexp: true } : {}) }, entry.parameter);
  }
  const list = operatorSpec(entry.op).operand === "list";
  if (!list && entry.values.length > 1) throw invalid(entry.parameter, `'${entry.op}' takes a single value`);
  const raw = list ? entry.values.flatMap((v) => v.split(",")) : entry.values[0]!;
  return buildCondition(options, entry.field, entry.op, raw, entry.parameter, INSENSITIVE.has(entry.op));
}

function parseOrderBy(options: ListOptions, raw: string): SortKey[] {
  return raw.split(",").filter((part) => part.trim() !== "").map((part) => {
    const match = /^(.+)_(ASC|DESC|asc|desc)$/.exec(part.trim());
    if (!match) throw invalid("order_by", `'${part}' is not <field>_ASC or <field>_DESC`);
    return buildSortKey(options, match[1]!, match[2]!.toLowerCase() as "asc" | "desc", "order_by");
  });
}

function parseIds(options: ListOptions, raw: string): FilterNode {
  return buildCondition(options, "id", "in", raw, "filter[ids]");
}

const KNOWN_FILTER_KEYS = ["filter[ids]", "filter[query]", "filter[fields]…"];

/** Parses a JSON:API list request's query string into the canonical query. */
export function parseJsonApiQuery(params: URLSearchParams, options: ListOptions): ListQuery {
  rejectNulCharacters(params);
  let search: string | null = null;
  let idFilter: FilterNode | null = null;
  for (const [key, value] of params) {
    if (key === "filter[ids]") idFilter = parseIds(options, value);
    else if (key === "filter[query]") search = value.trim() === "" ? null : value.trim();
    else if (key.startsWith("filter[") && !key.startsWith("filter[fields]")) {
      throw invalid(key, `Unknown filter; allowed: ${KNOWN_FILTER_KEYS.join(", ")}`);
    } else if (key.startsWith("page[") && key !== "page[offset]" && key !== "page[limit]") {
      throw invalid(key, "Unknown page parameter; allowed: page[offset], page[limit]");
    }
  }
  const conditions = [...collectFieldConditions(params).values()].map((entry) => toCondition(options, entry));
  const orderBy = params.get("order_by");
  const sort = orderBy ? parseOrderBy(options, orderBy) : defaultSort(options);
  const page = buildPage(
    options,
    { offset: params.get("page[offset]") ?? undefined, limit: params.get("page[limit]") ?? undefined },
    { offset: "page[offset]", limit: "page[limit]" },
  );
  return { filter: and(idFilter, ...conditions), search, sort, page };
}
