import { operatorsFor, type Operator } from "./operators.js";
import type { FieldType } from "./types.js";

/** How a public field maps onto the Prisma model, and what may be done with it. */
export interface FieldSpec {
  type: FieldType;
  /**
   * Prisma path from the listed model: `["name"]`, or through relations
   * `["organisation", "name"]`. Every segment but the last is a relation.
   */
  path: readonly string[];
  /** Kind of each relation segment in `path` (default "one"): to-one uses `is`, to-many uses `some`. */
  via?: readonly ("one" | "many")[];
  /**
   * Conditions on the row that holds the column (the last relation's), beside the field's own: one
   * row of a per-locale table, `{ locale: "it" }`. Filters and search then read that row only.
   */
  rowWhere?: Readonly<Record<string, unknown>>;
  /** Whether the column can be NULL (affects `exists`, `neq` and sort null placement). */
  nullable?: boolean;
  /** Allowed values of an `enum` field. */
  values?: readonly string[];
  /** Maps a raw value onto the stored one before type checks (e.g. Lizard's 0/100/200/300 access modifiers). */
  normalize?: (raw: string) => string;
  filterable?: boolean;
  sortable?: boolean;
  /** Included in the `filter[query]` / `search` text match. */
  search?: boolean;
  /** Other public names accepted for this field (e.g. DatoCMS `_created_at`). */
  aliases?: readonly string[];
}

/** The queryable fields of one listed model, by public name. */
export type FieldCatalog = Readonly<Record<string, FieldSpec>>;

/** Options of one list endpoint. */
export interface ListOptions {
  fields: FieldCatalog;
  defaultLimit?: number;
  maxLimit?: number;
  /** Sort applied when the request names none. */
  defaultSort?: readonly { field: string; direction: "asc" | "desc" }[];
  /**
   * Whether the caller may read a field; filtering or sorting on an unreadable
   * field is rejected so a filter cannot probe hidden values.
   */
  canReadField?: (field: string) => boolean;
}

/** Operators allowed per field type (derived from the one operator table). */
export const OPERATORS_BY_TYPE: Readonly<Record<FieldType, readonly Operator[]>> = {
  string: operatorsFor("string"),
  uuid: operatorsFor("uuid"),
  integer: operatorsFor("integer"),
  bigint: operatorsFor("bigint"),
  float: operatorsFor("float"),
  datetime: operatorsFor("datetime"),
  boolean: operatorsFor("boolean"),
  enum: operatorsFor("enum"),
  "string[]": operatorsFor("string[]"),
};

/** Finds a field by public name or alias. */
export function lookupField(catalog: FieldCatalog, name: string): [string, FieldSpec] | undefined {
  // Own keys only: `__proto__` or `constructor` must not resolve to Object.prototype's members.
  const direct = Object.hasOwn(catalog, name) ? catalog[name] : undefined;
  if (direct) return [name, direct];
  for (const [key, spec] of Object.entries(catalog)) {
    if (spec.aliases?.includes(name)) return [key, spec];
  }
  return undefined;
}
