/**
 * The canonical list query. Every API dialect (JSON:API `filter[fields]`,
 * Django-style `name__icontains`, GeoNode `filter{name.icontains}`) parses
 * into this one type, and one compiler turns it into a Prisma query.
 */

/** Value types a queryable field can have. */
export type FieldType = "string" | "integer" | "bigint" | "float" | "datetime" | "boolean" | "enum" | "uuid" | "string[]";

export type { Operator } from "./operators.js";
import type { Operator } from "./operators.js";

/** `matches`: a substring pattern with a case switch (DatoCMS's shape), or a PostgreSQL regular expression. */
export interface MatchPattern {
  pattern: string;
  caseSensitive: boolean;
  /** `pattern` is a PostgreSQL (POSIX, ARE) regular expression rather than a literal substring. */
  regexp?: boolean;
}

/** One comparison on one field; `value` is already parsed to the field's type. */
export interface Condition {
  kind: "condition";
  /** Public field name, a key of the resource's field catalog. */
  field: string;
  op: Operator;
  value: unknown;
  /** String comparisons: compare case-insensitively (default false). */
  insensitive?: boolean;
  /** The query parameter the condition came from, where a check after parsing may refuse it (a regular expression). */
  parameter?: string;
}

/** A filter tree. */
export type FilterNode =
  | Condition
  | { kind: "and"; nodes: FilterNode[] }
  | { kind: "or"; nodes: FilterNode[] }
  | { kind: "not"; node: FilterNode };

export interface SortKey {
  field: string;
  direction: "asc" | "desc";
}

export interface Page {
  offset: number;
  limit: number;
}

/** What a list endpoint was asked for, in dialect-neutral form. */
export interface ListQuery {
  filter: FilterNode | null;
  /** Free-text term matched case-insensitively against the catalog's search fields. */
  search: string | null;
  sort: SortKey[];
  page: Page;
}

/** Builds an AND node, dropping empty parts. */
export function and(...nodes: (FilterNode | null | undefined)[]): FilterNode | null {
  const present = nodes.filter((n): n is FilterNode => n != null);
  if (present.length === 0) return null;
  if (present.length === 1) return present[0]!;
  return { kind: "and", nodes: present };
}
