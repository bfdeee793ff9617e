import type { FieldCatalog, FieldSpec } from "./field-catalog.js";
import { operatorSpec } from "./operators.js";
import { likeLiteral, nest, NOTHING, type PrismaWhere } from "./prisma-where.js";
import type { FilterNode, ListQuery, MatchPattern, SortKey } from "./types.js";

export type { PrismaWhere } from "./prisma-where.js";
/** One Prisma `orderBy` entry. */
export type PrismaOrderBy = Record<string, unknown>;

/** The Prisma arguments of one list query. */
export interface CompiledListQuery {
  where: PrismaWhere;
  orderBy: PrismaOrderBy[];
  skip: number;
  take: number;
  /** The regular expressions in `where`: only the SQL list path runs them, after the database has checked them. */
  regexps: RegexpCondition[];
}

/** A regular expression of the query and where it came from. */
export interface RegexpCondition {
  pattern: string;
  field: string;
  parameter: string;
}

function regexpsOf(node: FilterNode | null, found: RegexpCondition[] = []): RegexpCondition[] {
  if (!node) return found;
  if (node.kind === "and" || node.kind === "or") for (const child of node.nodes) regexpsOf(child, found);
  else if (node.kind === "not") regexpsOf(node.node, found);
  else if (operatorSpec(node.op).operand === "pattern" && (node.value as MatchPattern).regexp) {
    found.push({ pattern: (node.value as MatchPattern).pattern, field: node.field, parameter: node.parameter ?? `filter[fields][${node.field}]` });
  }
  return found;
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
      const { scalar, array } = operatorSpec(node.op);
      // Parsers only build operators the field's type allows; one without a compiler for it matches nothing.
      const compile = spec.type === "string[]" ? array : scalar;
      return compile ? compile(spec, node) : NOTHING;
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
  // PostgreSQL puts NULLs last ascending and first descending by default; Prisma's `{ sort, nulls }`
  // would say the same, but it is refused on a required column (a nullable value reached through an
  // optional relation), so the plain direction is sent.
  let node: unknown = key.direction;
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
  return { where: parts.length === 1 ? parts[0]! : { AND: parts }, orderBy, skip: query.page.offset, take: query.page.limit, regexps: regexpsOf(query.filter) };
}
