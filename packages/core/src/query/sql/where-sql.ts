import { Aliases, compileWhere } from "./compile-where.js";
import { sqlModel } from "./model-map.js";
import type { Sql } from "./sql-text.js";

/**
 * A Prisma `where` on `model` (a permission filter from `accessibleResources`, a scope) as one
 * SQL condition over that model's table aliased `alias`, for statements Prisma cannot express
 * (`unnest`, `GROUP BY` over array elements), so their permissions stay in the query. Throws
 * `UnsupportedQuery` for a shape the SQL list path does not compile either. Compose with `sql`.
 */
export function whereSql(model: string, alias: string, where: unknown): Sql {
  return compileWhere({ model: sqlModel(model), alias, aliases: new Aliases(), tables: new Set() }, where);
}
