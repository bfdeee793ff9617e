import type { FieldCatalog, FieldSpec } from "./field-catalog.js";
import type { Condition, FilterNode, ListQuery, MatchPattern, SortKey } from "./types.js";

/** A Prisma `where` object (kept structural: it serves every model). */
export type PrismaWhere = Record<string, unknown>;
/** One Prisma `orderBy` entry. */
export type PrismaOrderBy = Record<string, unknown>;

/** The Prisma arguments of one list query. */
export interface CompiledListQuery {
  where: PrismaWhere;
  orderBy: PrismaOrderBy[];
  skip: number;
  take: number;
}

// Matches no row. Not `{ OR: [] }`: Prisma reads that as TRUE inside AND (prisma/prisma#17367).
const NOTHING: PrismaWhere = { id: { in: [] } };

/** Wraps a scalar filter in its relation path: `{ organisation: { is: { name: … } } }`. */
function nest(spec: FieldSpec, leaf: unknown): PrismaWhere {
  const last = spec.path.length - 1;
  let node: PrismaWhere = { [spec.path[last]!]: leaf };
  for (let i = last - 1; i >= 0; i--) {
    node = { [spec.path[i]!]: spec.via?.[i] === "many" ? { some: node } : { is: node } };
  }
  return node;
}

function stringMode(condition: Condition) {
  return condition.insensitive ? { mode: "insensitive" } : {};
}

/**
 * `text` as a LIKE pattern that matches itself only. Prisma builds
 * `contains`, `startsWith`, `endsWith` and case-insensitive `equals`/`not`
 * as (I)LIKE without escaping, so `%` and `_` would be wildcards and a
 * trailing `\` an invalid pattern. PostgreSQL's default LIKE escape is `\`.
 */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

/** A string value compared through ILIKE (insensitive equality) is escaped; `=` compares it as is. */
function equalityValue(spec: FieldSpec, condition: Condition): unknown {
  return spec.type === "string" && condition.insensitive && typeof condition.value === "string" ? likeLiteral(condition.value) : condition.value;
}

function scalarFilter(spec: FieldSpec, condition: Condition): PrismaWhere {
  const { op, value } = condition;
  const mode = spec.type === "string" ? stringMode(condition) : {};
  switch (op) {
    case "eq":
      return nest(spec, { equals: equalityValue(spec, condition), ...mode });
    case "neq": {
      const not = nest(spec, { not: equalityValue(spec, condition), ...mode });
      // SQL's <> drops NULLs; "not equal to x" should still include rows without a value.
      return spec.nullable ? { OR: [not, nest(spec, { equals: null })] } : not;
    }
    case "in":
      return nest(spec, { in: value, ...mode });
    case "not_in": {
      const notIn = nest(spec, { notIn: value, ...mode });
      return spec.nullable ? { OR: [notIn, nest(spec, { equals: null })] } : notIn;
    }
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      return nest(spec, { [op]: value, ...mode });
    case "contains":
      return nest(spec, { contains: likeLiteral(String(value)), ...mode });
    case "starts_with":
      return nest(spec, { startsWith: likeLiteral(String(value)), ...mode });
    case "ends_with":
      return nest(spec, { endsWith: likeLiteral(String(value)), ...mode });
    case "matches": {
      const { pattern, caseSensitive } = value as MatchPattern;
      return nest(spec, { contains: likeLiteral(pattern), ...(caseSensitive ? {} : { mode: "insensitive" }) });
    }
    case "exists":
      return existsFilter(spec, value === true);
    case "all_in":
      return NOTHING;
  }
}

function existsFilter(spec: FieldSpec, present: boolean): PrismaWhere {
  if (spec.type === "string") {
    // A string "exists" when it is neither NULL nor empty.
    const filled = nest(spec, { not: "" });
    const withValue = spec.nullable ? { AND: [filled, nest(spec, { not: null })] } : filled;
    return present ? withValue : { NOT: withValue };
  }
  if (!spec.nullable) return present ? {} : NOTHING;
  return present ? nest(spec, { not: null }) : nest(spec, { equals: null });
}

function arrayFilter(spec: FieldSpec, condition: Condition): PrismaWhere {
  const { op, value } = condition;
  switch (op) {
    case "eq":
      return nest(spec, { equals: [value] });
    case "contains":
      return nest(spec, { has: value });
    case "in":
      return nest(spec, { hasSome: value });
    case "all_in":
      return nest(spec, { hasEvery: value });
    case "not_in":
      return { NOT: nest(spec, { hasSome: value }) };
    case "exists":
      return value === true ? { NOT: nest(spec, { isEmpty: true }) } : nest(spec, { isEmpty: true });
    default:
      return NOTHING;
  }
}

function compileNode(fields: FieldCatalog, node: FilterNode): PrismaWhere {
  switch (node.kind) {
    case "and":
      return { AND: node.nodes.map((n) => compileNode(fields, n)) };
    case "or":
      return { OR: node.nodes.map((n) => compileNode(fields, n)) };
    case "not":
      return { NOT: compileNode(fields, node.node) };
    case "condition": {
      const spec = fields[node.field];
      if (!spec) throw new Error(`Field '${node.field}' is not in the catalog`); // parsers guarantee this
      return spec.type === "string[]" ? arrayFilter(spec, node) : scalarFilter(spec, node);
    }
  }
}

/**
 * The terms of a search text, as Django REST framework's SearchFilter splits
 * them (which Lizard's and GeoNode's `search=` use): on whitespace and commas,
 * with a double-quoted phrase kept whole. "rotterdam elevation" is two terms.
 */
export function searchTerms(text: string): string[] {
  const terms: string[] = [];
  for (const [, phrase, word] of text.matchAll(/"([^"]*)"|([^\s,"]+)/g)) {
    const term = (phrase ?? word ?? "").trim();
    if (term) terms.push(term);
  }
  return terms.length > 0 ? terms : [text];
}

/** Every term must occur (case-insensitively) in at least one of the searchable fields, in any order. */
function searchFilter(fields: FieldCatalog, text: string): PrismaWhere {
  const specs = Object.values(fields).filter((spec) => spec.search);
  const matchesTerm = (term: string): PrismaWhere => ({ OR: specs.map((spec) => nest(spec, { contains: likeLiteral(term), mode: "insensitive" })) });
  const terms = searchTerms(text);
  return terms.length === 1 ? matchesTerm(terms[0]!) : { AND: terms.map(matchesTerm) };
}

function orderEntry(spec: FieldSpec, key: SortKey): PrismaOrderBy {
  const leaf: unknown = spec.nullable ? { sort: key.direction, nulls: key.direction === "asc" ? "last" : "first" } : key.direction;
  let node: unknown = leaf;
  for (let i = spec.path.length - 1; i >= 0; i--) node = { [spec.path[i]!]: node };
  return node as PrismaOrderBy;
}

/**
 * Compiles a canonical query into Prisma arguments. The caller ANDs the
 * permission filter into `where`, so counts, pages and search see only
 * what the caller may read.
 */
export function compileListQuery(fields: FieldCatalog, query: ListQuery, tieBreaker = "id"): CompiledListQuery {
  const parts: PrismaWhere[] = [];
  if (query.filter) parts.push(compileNode(fields, query.filter));
  if (query.search) parts.push(searchFilter(fields, query.search));
  const orderBy = query.sort.map((key) => orderEntry(fields[key.field]!, key));
  // A unique last key makes paging stable when sort values tie.
  if (!query.sort.some((key) => fields[key.field]?.path.join(".") === tieBreaker)) {
    orderBy.push({ [tieBreaker]: query.sort[0]?.direction ?? "asc" });
  }
  return { where: parts.length === 1 ? parts[0]! : { AND: parts }, orderBy, skip: query.page.offset, take: query.page.limit };
}
