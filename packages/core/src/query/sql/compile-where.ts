import { relationJoin, UnsupportedQuery, type ModelField, type SqlModel } from "./model-map.js";
import { Sql, sql } from "./sql-text.js";

/**
 * Prisma `where` objects (the shapes the list compiler and CASL's
 * `accessibleBy` build, and what profiles pass as scopes) compiled to SQL
 * with the semantics Prisma gives them on PostgreSQL. Anything outside that
 * subset throws `UnsupportedQuery`, and the list path asks Prisma instead.
 */

const TRUE = Sql.raw("TRUE");
const FALSE = Sql.raw("FALSE");

/** Table aliases of one statement (`t0`, `t1`, …), so nested relation filters never collide. */
export class Aliases {
  private next = 0;
  fresh(): string {
    return `t${this.next++}`;
  }
}

/** A row source in a statement: the model and the alias its table has there. */
export interface Scope {
  model: SqlModel;
  alias: string;
  aliases: Aliases;
  /** Tables the condition reads, for the count cache's generations. */
  tables: Set<string>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

/** A filter value as a driver parameter: dates as UTC ISO text (timestamp columns hold UTC), bigints as text, arrays as literals. */
export function parameter(value: unknown): unknown {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new UnsupportedQuery("invalid date");
    return value.toISOString();
  }
  if (typeof value === "bigint") return value.toString();
  // Arrays go as PostgreSQL array literals: PGlite has no serializer for arrays of enums.
  if (Array.isArray(value)) return `{${value.map((v) => (v === null ? "NULL" : `"${String(parameter(v)).replace(/[\\"]/g, "\\$&")}"`)).join(",")}}`;
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return value;
  if (typeof value === "object" && typeof (value as { toFixed?: unknown }).toFixed === "function") return String(value); // Prisma.Decimal
  throw new UnsupportedQuery(`unsupported value ${typeof value}`);
}

function all(parts: Sql[]): Sql {
  return parts.length === 0 ? TRUE : parts.length === 1 ? parts[0]! : sql`(${Sql.join(parts, " AND ")})`;
}

function any(parts: Sql[]): Sql {
  return parts.length === 0 ? FALSE : parts.length === 1 ? parts[0]! : sql`(${Sql.join(parts, " OR ")})`;
}

const not = (part: Sql): Sql => sql`(NOT ${part})`;

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** `where` on the rows of `scope`. */
export function compileWhere(scope: Scope, where: unknown): Sql {
  if (where === undefined) return TRUE;
  if (!isPlainObject(where)) throw new UnsupportedQuery("where is not an object");
  scope.tables.add(scope.model.table);
  const parts: Sql[] = [];
  for (const [key, value] of Object.entries(where)) {
    if (value === undefined) continue;
    if (key === "AND") parts.push(all(asList(value).map((w) => compileWhere(scope, w))));
    else if (key === "OR") parts.push(any(asList(value).map((w) => compileWhere(scope, w))));
    else if (key === "NOT") parts.push(all(asList(value).map((w) => not(compileWhere(scope, w)))));
    else {
      const field = Object.hasOwn(scope.model.fields, key) ? scope.model.fields[key] : undefined;
      if (!field) throw new UnsupportedQuery(`${scope.model.name}.${key} is not a field`);
      parts.push(field.kind === "object" ? relationFilter(scope, key, field, value) : field.list ? listFilter(scope, field, value) : scalarFilter(scope, field, value));
    }
  }
  return all(parts);
}

function columnOf(scope: Scope, field: ModelField): Sql {
  return Sql.ident(scope.alias, field.column);
}

const SCALAR_TYPES = new Set(["String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime"]);

function scalarFilter(scope: Scope, field: ModelField, filter: unknown): Sql {
  if (field.kind === "scalar" && !SCALAR_TYPES.has(field.type)) throw new UnsupportedQuery(`filters on ${field.type} fields`);
  const column = columnOf(scope, field);
  if (filter === null) return sql`${column} IS NULL`;
  if (!isPlainObject(filter)) return sql`${column} = ${parameter(filter)}`;
  const insensitive = filter.mode === "insensitive" && field.type === "String";
  if (filter.mode !== undefined && filter.mode !== "insensitive" && filter.mode !== "default") throw new UnsupportedQuery("mode");
  const text = sql`${column}::text`;
  const parts: Sql[] = [];
  for (const [op, operand] of Object.entries(filter)) {
    if (op === "mode" || operand === undefined) continue;
    switch (op) {
      case "equals":
        parts.push(operand === null ? sql`${column} IS NULL` : insensitive ? sql`${text} ILIKE ${parameter(operand)}` : sql`${column} = ${parameter(operand)}`);
        break;
      case "not":
        if (isPlainObject(operand)) parts.push(not(scalarFilter(scope, field, { ...operand, ...(insensitive ? { mode: "insensitive" } : {}) })));
        else parts.push(operand === null ? sql`${column} IS NOT NULL` : insensitive ? sql`${text} NOT ILIKE ${parameter(operand)}` : sql`${column} <> ${parameter(operand)}`);
        break;
      case "in":
      case "notIn": {
        if (!Array.isArray(operand)) throw new UnsupportedQuery(`${op} needs a list`);
        if (insensitive) throw new UnsupportedQuery(`insensitive ${op}`);
        const values = operand.filter((v) => v !== null);
        const member = values.length === 0 ? FALSE : sql`${column} = ANY(${parameter(values)})`;
        parts.push(op === "in" ? member : values.length === 0 ? TRUE : not(member));
        break;
      }
      case "lt":
      case "lte":
      case "gt":
      case "gte": {
        if (insensitive) throw new UnsupportedQuery(`insensitive ${op}`);
        const symbol = { lt: "<", lte: "<=", gt: ">", gte: ">=" }[op];
        parts.push(sql`${column} ${Sql.raw(symbol)} ${parameter(operand)}`);
        break;
      }
      case "regex":
        // The list path had the database check the expression first (sqlRegexpError).
        if (typeof operand !== "string") throw new UnsupportedQuery("regex needs a string");
        parts.push(sql`${text} ${Sql.raw(insensitive ? "~*" : "~")} ${operand}`);
        break;
      case "contains":
      case "startsWith":
      case "endsWith": {
        if (typeof operand !== "string") throw new UnsupportedQuery(`${op} needs a string`);
        const pattern = op === "contains" ? `%${operand}%` : op === "startsWith" ? `${operand}%` : `%${operand}`;
        parts.push(sql`${text} ${Sql.raw(insensitive ? "ILIKE" : "LIKE")} ${pattern}`);
        break;
      }
      default:
        throw new UnsupportedQuery(`scalar filter ${op}`);
    }
  }
  return all(parts);
}

function listFilter(scope: Scope, field: ModelField, filter: unknown): Sql {
  const column = columnOf(scope, field);
  if (filter === null) return sql`${column} IS NULL`;
  if (Array.isArray(filter)) return sql`${column} = ${parameter(filter)}`;
  if (!isPlainObject(filter)) throw new UnsupportedQuery("list filter");
  const parts: Sql[] = [];
  for (const [op, operand] of Object.entries(filter)) {
    if (operand === undefined) continue;
    switch (op) {
      case "equals":
        parts.push(operand === null ? sql`${column} IS NULL` : sql`${column} = ${parameter(operand)}`);
        break;
      case "has":
        parts.push(operand === null ? FALSE : sql`${parameter(operand)} = ANY(${column})`);
        break;
      case "hasSome":
        parts.push(sql`${column} && ${parameter(operand)}`);
        break;
      case "hasEvery":
        parts.push(sql`${column} @> ${parameter(operand)}`);
        break;
      case "isEmpty":
        parts.push(operand === true ? sql`cardinality(${column}) = 0` : sql`cardinality(${column}) > 0`);
        break;
      default:
        throw new UnsupportedQuery(`list filter ${op}`);
    }
  }
  return all(parts);
}

/** Rows of the relation's table joined to the current row, filtered by `where`. */
function related(scope: Scope, field: string, spec: ModelField, where: unknown): Sql {
  const join = relationJoin(scope.model, field, spec);
  const inner: Scope = { model: join.target, alias: scope.aliases.fresh(), aliases: scope.aliases, tables: scope.tables };
  const on = join.targetColumns.map((column, i) => sql`${Sql.ident(inner.alias, column)} = ${Sql.ident(scope.alias, join.sourceColumns[i]!)}`);
  return sql`EXISTS (SELECT 1 FROM ${Sql.ident(join.target.table)} AS ${Sql.ident(inner.alias)} WHERE ${all([...on, compileWhere(inner, where)])})`;
}

const TO_ONE = new Set(["is", "isNot"]);
const TO_MANY = new Set(["some", "every", "none"]);

function relationFilter(scope: Scope, field: string, spec: ModelField, filter: unknown): Sql {
  if (spec.list) {
    if (!isPlainObject(filter) || !Object.keys(filter).every((k) => TO_MANY.has(k))) throw new UnsupportedQuery("to-many filter");
    const parts: Sql[] = [];
    if (filter.some !== undefined) parts.push(related(scope, field, spec, filter.some));
    if (filter.none !== undefined) parts.push(not(related(scope, field, spec, filter.none)));
    if (filter.every !== undefined) parts.push(not(related(scope, field, spec, { NOT: filter.every })));
    return all(parts);
  }
  if (filter === null) return not(related(scope, field, spec, {}));
  if (!isPlainObject(filter)) throw new UnsupportedQuery("to-one filter");
  // `{ organisation: { name: … } }` is shorthand for `{ organisation: { is: { name: … } } }`.
  if (!Object.keys(filter).some((k) => TO_ONE.has(k))) return related(scope, field, spec, filter);
  const parts: Sql[] = [];
  if (filter.is !== undefined) parts.push(filter.is === null ? not(related(scope, field, spec, {})) : related(scope, field, spec, filter.is));
  if (filter.isNot !== undefined) parts.push(filter.isNot === null ? related(scope, field, spec, {}) : not(related(scope, field, spec, filter.isNot)));
  if (Object.keys(filter).some((k) => !TO_ONE.has(k))) throw new UnsupportedQuery("to-one filter mixes is with fields");
  return all(parts);
}
