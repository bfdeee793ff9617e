import { Prisma } from "../../generated/prisma/client.js";
import { relationJoin, UnsupportedQuery, type ModelField, type SqlModel } from "./model-map.js";
import type { Aliases } from "./compile-where.js";
import { Sql, sql } from "./sql-text.js";

/**
 * A row of a model, with the relations an `include`/`select` asks for, as
 * one JSON value built in PostgreSQL, and its decoding into the values Prisma
 * would return (Date, bigint, Decimal, Uint8Array, parsed Json).
 */

/** What to read of a row: scalar fields by name, relations by name with what to read of them. */
export interface Selection {
  model: SqlModel;
  scalars: string[];
  relations: { field: string; spec: ModelField; selection: Selection }[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function allScalars(model: SqlModel): string[] {
  return Object.entries(model.fields).filter(([, f]) => f.kind !== "object").map(([name]) => name);
}

function nested(model: SqlModel, field: string, value: unknown): Selection["relations"][number] {
  const spec = model.fields[field]!;
  const target = relationJoin(model, field, spec).target;
  if (spec.list) throw new UnsupportedQuery("to-many includes"); // Prisma's order of those is its own
  if (value === true) return { field, spec, selection: selectionOf(target, {}) };
  if (!isPlainObject(value) || Object.keys(value).some((k) => k !== "select" && k !== "include")) throw new UnsupportedQuery(`include option of ${field}`);
  return { field, spec, selection: selectionOf(target, value) };
}

/** The selection of Prisma arguments `{ include }` or `{ select }` on `model`. */
export function selectionOf(model: SqlModel, args: { include?: unknown; select?: unknown }): Selection {
  if (args.select !== undefined && args.include !== undefined) throw new UnsupportedQuery("select with include");
  const pick = args.select ?? args.include ?? {};
  if (!isPlainObject(pick)) throw new UnsupportedQuery("include is not an object");
  const scalars = args.select === undefined ? allScalars(model) : [];
  const relations: Selection["relations"] = [];
  for (const [field, value] of Object.entries(pick)) {
    if (value === false || value === undefined) continue;
    const spec = Object.hasOwn(model.fields, field) ? model.fields[field] : undefined;
    if (!spec) throw new UnsupportedQuery(`${model.name}.${field} is not a field`);
    if (spec.kind !== "object") {
      if (args.select === undefined || value !== true) throw new UnsupportedQuery(`include of scalar ${field}`);
      scalars.push(field);
    } else relations.push(nested(model, field, value));
  }
  return { model, scalars, relations };
}

function columnJson(alias: string, field: ModelField): Sql {
  const column = Sql.ident(alias, field.column);
  // Exact as text: JSON numbers would round bigints above 2^53, and bytes have no JSON form.
  if (field.type === "BigInt" || field.type === "Decimal") return field.list ? sql`${column}::text[]` : sql`${column}::text`;
  if (field.type === "Bytes") {
    if (field.list) throw new UnsupportedQuery("Bytes[]");
    return sql`encode(${column}, 'base64')`;
  }
  return column;
}

/** `json_build_object(...)` of a row at `alias`, with its relations as nested objects (or null). */
export function rowJson(selection: Selection, alias: string, aliases: Aliases): Sql {
  const pairs: Sql[] = selection.scalars.map((name) => sql`${Sql.raw(`'${name}'`)}, ${columnJson(alias, selection.model.fields[name]!)}`);
  for (const { field, spec, selection: inner } of selection.relations) {
    const join = relationJoin(selection.model, field, spec);
    const innerAlias = aliases.fresh();
    const on = join.targetColumns.map((column, i) => sql`${Sql.ident(innerAlias, column)} = ${Sql.ident(alias, join.sourceColumns[i]!)}`);
    const value = sql`(SELECT ${rowJson(inner, innerAlias, aliases)} FROM ${Sql.ident(join.target.table)} AS ${Sql.ident(innerAlias)} WHERE ${Sql.join(on, " AND ")})`;
    pairs.push(sql`${Sql.raw(`'${field}'`)}, ${value}`);
  }
  // json_build_object takes at most 100 arguments: wider rows are merged from chunks of 50 pairs.
  const chunks: Sql[] = [];
  for (let i = 0; i < pairs.length; i += 50) chunks.push(sql`jsonb_build_object(${Sql.join(pairs.slice(i, i + 50), ", ")})`);
  if (chunks.length <= 1) return sql`json_build_object(${Sql.join(pairs, ", ")})`;
  return Sql.join(chunks, " || ");
}

function decodeScalar(field: ModelField, value: unknown): unknown {
  if (value === null) return null;
  switch (field.type) {
    case "DateTime":
      // timestamp(3) columns come as "2024-01-01T00:00:00.123" and hold UTC, as Prisma writes them.
      return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value as string) ? (value as string) : `${value as string}Z`);
    case "BigInt":
      return BigInt(value as string);
    case "Decimal":
      return new Prisma.Decimal(value as string);
    case "Bytes":
      return new Uint8Array(Buffer.from(value as string, "base64"));
    case "Float":
      return typeof value === "string" ? Number(value) : value; // NaN and ±Infinity come as strings
    default:
      return value;
  }
}

/** A row as Prisma returns it, from the JSON `rowJson` built. */
export function decodeRow(selection: Selection, json: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const name of selection.scalars) {
    const field = selection.model.fields[name]!;
    const value = json[name];
    row[name] = field.list && Array.isArray(value) ? value.map((v) => decodeScalar(field, v)) : decodeScalar(field, value ?? null);
  }
  for (const { field, selection: inner } of selection.relations) {
    const value = json[field];
    row[field] = isPlainObject(value) ? decodeRow(inner, value) : null;
  }
  return row;
}
