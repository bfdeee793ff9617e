import { relationJoin, UnsupportedQuery, type SqlModel } from "./model-map.js";
import { Aliases, compileWhere, type Scope } from "./compile-where.js";
import { rowJson, selectionOf, type Selection } from "./compile-select.js";
import { Sql, sql } from "./sql-text.js";

/** One list call as Prisma arguments: what `listPage` hands to `findMany` and `count`. */
export interface PageRequest {
  model: SqlModel;
  where: unknown;
  orderBy: readonly unknown[];
  skip: number;
  take: number;
  include?: unknown;
}

/** The compiled parts of one list call. */
export interface CompiledPage {
  selection: Selection;
  /** `count(*)` of the filtered rows. */
  count: Sql;
  /** The page's rows as one JSON array (text), in order. */
  rows: Sql;
  /** The filter alone (text and parameters), the count cache's key. */
  filterKey: string;
  /** Tables the filter reads: a write to any of them changes the count. */
  tables: string[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One `orderBy` entry, `{ name: "asc" }` or through to-one relations `{ organisation: { name: "desc" } }`. */
function orderTerm(model: SqlModel, alias: string, entry: unknown, aliases: Aliases): { expression: Sql; direction: string } {
  if (!isPlainObject(entry) || Object.keys(entry).length !== 1) throw new UnsupportedQuery("orderBy entry");
  const [name, value] = Object.entries(entry)[0]!;
  const field = Object.hasOwn(model.fields, name) ? model.fields[name] : undefined;
  if (!field) throw new UnsupportedQuery(`${model.name}.${name} is not a field`);
  if (field.kind === "object") {
    const join = relationJoin(model, name, field);
    if (join.list) throw new UnsupportedQuery("orderBy through a to-many relation");
    const inner = aliases.fresh();
    const on = join.targetColumns.map((column, i) => sql`${Sql.ident(inner, column)} = ${Sql.ident(alias, join.sourceColumns[i]!)}`);
    const term = orderTerm(join.target, inner, value, aliases);
    // The related value as a scalar subquery: a missing relation sorts as NULL, as Prisma's LEFT JOIN does.
    return { expression: sql`(SELECT ${term.expression} FROM ${Sql.ident(join.target.table)} AS ${Sql.ident(inner)} WHERE ${Sql.join(on, " AND ")})`, direction: term.direction };
  }
  const expression = Sql.ident(alias, field.column);
  if (value === "asc" || value === "desc") return { expression, direction: value.toUpperCase() };
  if (isPlainObject(value) && (value.sort === "asc" || value.sort === "desc") && (value.nulls === undefined || value.nulls === "first" || value.nulls === "last")) {
    return { expression, direction: `${value.sort.toUpperCase()}${value.nulls ? ` NULLS ${value.nulls.toUpperCase()}` : ""}` };
  }
  throw new UnsupportedQuery("orderBy value");
}

/**
 * The count and the page of one list call. The page is cut first (filter,
 * order, offset, limit on the table alone), then each of its rows becomes
 * JSON with its relations: relation lookups run for the page's rows only,
 * however deep the offset.
 */
export function compilePage(request: PageRequest): CompiledPage {
  const aliases = new Aliases();
  const tables = new Set<string>();
  const filterScope: Scope = { model: request.model, alias: aliases.fresh(), aliases, tables };
  const filter = compileWhere(filterScope, request.where);
  const from = sql`${Sql.ident(request.model.table)} AS ${Sql.ident(filterScope.alias)}`;
  const order = request.orderBy.map((entry) => orderTerm(request.model, filterScope.alias, entry, aliases));
  const selection = selectionOf(request.model, { include: request.include });
  const page = aliases.fresh();
  const orderClause = order.length ? sql` ORDER BY ${Sql.join(order.map((t) => sql`${t.expression} ${Sql.raw(t.direction)}`), ", ")}` : Sql.raw("");
  const cut = sql`SELECT ${Sql.ident(filterScope.alias)}.* FROM ${from} WHERE ${filter}${orderClause} LIMIT ${request.take} OFFSET ${request.skip}`;
  const rows = sql`(SELECT coalesce(json_agg(${rowJson(selection, page, aliases)}), '[]')::text FROM (${cut}) AS ${Sql.ident(page)})`;
  const statement = filter.toStatement();
  return {
    selection,
    count: sql`(SELECT count(*) FROM ${from} WHERE ${filter})`,
    rows,
    filterKey: `${request.model.table}\u0000${statement.text}\u0000${JSON.stringify(statement.values)}`,
    tables: [...tables].sort(),
  };
}
