import { sqlExecutorFor, type SqlExecutor } from "../../db/sql-executor.js";
import { compilePage, type CompiledPage, type PageRequest } from "./compile-page.js";
import { decodeRow } from "./compile-select.js";
import { countCacheFor } from "./count-cache.js";
import { sqlModel, UnsupportedQuery } from "./model-map.js";
import { Sql, sql } from "./sql-text.js";

/**
 * The list path under `listPage`: page, relations and exact count in one
 * statement on the driver, with no ORM between (Prisma keeps the schema,
 * migrations and writes). Returns null when it cannot serve a call (not a
 * Prisma delegate, a filter shape outside what it compiles); the caller then
 * asks Prisma, with the same result.
 */

/** What a Prisma model delegate carries besides its methods: its model's name and its client. */
interface DelegateIdentity {
  $name?: unknown;
  $parent?: unknown;
}

function target(delegate: unknown): { executor: SqlExecutor; model: ReturnType<typeof sqlModel> } | null {
  const { $name, $parent } = delegate as DelegateIdentity;
  if (typeof $name !== "string") return null;
  const executor = sqlExecutorFor($parent);
  if (!executor) return null;
  try {
    return { executor, model: sqlModel($name) };
  } catch (error) {
    if (error instanceof UnsupportedQuery) return null;
    throw error;
  }
}

function compiled(request: PageRequest): CompiledPage | null {
  try {
    return compilePage(request);
  } catch (error) {
    if (error instanceof UnsupportedQuery) return null;
    throw error;
  }
}

/**
 * Runs `select` (page columns) with the exact count of the filter: recounted
 * in the same statement unless the remembered count's generation is still
 * the current one there.
 */
async function withCount(executor: SqlExecutor, page: CompiledPage, select: Sql): Promise<{ total: number; row: Record<string, string | null> }> {
  const cache = executor.pooled ? countCacheFor(executor) : null;
  if (!cache || !(await cache.covers(executor, page.tables))) {
    const [row] = await query(executor, sql`SELECT ${page.count}::text AS total${select}`);
    return { total: Number(row!.total), row: row! };
  }
  const known = cache.get(page.filterKey);
  const statement = sql`WITH g AS (SELECT coalesce(sum(n), 0)::text AS generation, count(*)::text AS changes FROM "_list_changes" WHERE table_name = ANY(${page.tables}))
    SELECT g.generation, g.changes, CASE WHEN g.generation = ${known?.generation ?? ""} THEN NULL ELSE ${page.count}::text END AS total${select} FROM g`;
  const [row] = await query(executor, statement);
  const total = row!.total === null ? known!.total : Number(row!.total);
  cache.set(page.filterKey, { generation: row!.generation!, total });
  cache.compactIfNeeded(executor, page.tables, Number(row!.changes));
  return { total, row: row! };
}

async function query(executor: SqlExecutor, statement: Sql): Promise<Record<string, string | null>[]> {
  const { text, values } = statement.toStatement();
  return executor.query(text, values);
}

/** One page and the total, as `findMany(args)` and `count({ where })` would give them; null: ask Prisma. */
export async function sqlListPage(delegate: unknown, args: Omit<PageRequest, "model">): Promise<{ rows: unknown[]; total: number } | null> {
  const found = target(delegate);
  if (!found) return null;
  const page = compiled({ ...args, model: found.model });
  if (!page) return null;
  const { total, row } = await withCount(found.executor, page, sql`, ${page.rows} AS rows`);
  const rows = (JSON.parse(row.rows!) as Record<string, unknown>[]).map((json) => decodeRow(page.selection, json));
  return { rows, total };
}

/**
 * Why PostgreSQL refuses `pattern` as a regular expression (null when it takes it), or undefined
 * when the delegate is not one the SQL list path serves.
 */
export async function sqlRegexpError(delegate: unknown, pattern: string): Promise<string | null | undefined> {
  const found = target(delegate);
  if (!found) return undefined;
  try {
    await found.executor.query("SELECT '' ~ $1 AS valid", [pattern]);
    return null;
  } catch (error) {
    // SQLSTATE 2201B: invalid_regular_expression (node-postgres and PGlite both give `code`).
    if ((error as { code?: unknown }).code === "2201B") return (error as Error).message;
    throw error;
  }
}

/** The total alone, as `count({ where })` would give it; null: ask Prisma. */
export async function sqlCount(delegate: unknown, where: unknown): Promise<number | null> {
  const found = target(delegate);
  if (!found) return null;
  const page = compiled({ model: found.model, where, orderBy: [], skip: 0, take: 0 });
  if (!page) return null;
  return (await withCount(found.executor, page, Sql.raw(""))).total;
}
