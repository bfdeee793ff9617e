import type { Prisma } from "../generated/prisma/client.js";
import { Errors } from "../errors/index.js";
import { compileListQuery, type RegexpCondition } from "./compile-prisma.js";
import type { FieldCatalog } from "./field-catalog.js";
import type { ListQuery } from "./types.js";
import { sqlCount, sqlListPage, sqlRegexpError } from "./sql/sql-list.js";

/** The Prisma arguments of one page, typed for the model listed. */
export interface PageArgs<W, O> {
  where: W;
  orderBy: O[];
  skip: number;
  take: number;
}

/**
 * What `listPage` needs of a Prisma model delegate (`db.user`, `db.upload`, a
 * plugin's `db.rasterLayer`): `W` and `O` are inferred from it, so the filter
 * and order are the model's own `WhereInput` and `OrderByWithRelationInput`.
 */
export interface ListDelegate<W, O, R> {
  findMany(args: PageArgs<W, O>): PromiseLike<R[]>;
  count(args: { where: W }): PromiseLike<number>;
}

/** How one list endpoint reads its model. */
export interface ListPageOptions<W> {
  /** The endpoint's field catalog (paths from the delegate's model). */
  fields: FieldCatalog;
  /** Conditions every row must also meet: the caller's permission filter, a parent's scope. `{}` entries are dropped. */
  where?: readonly W[];
  /** The unique column that ends every sort, so pages are stable when sort values tie (default `id`). */
  tieBreaker?: string;
}

/** One page of rows and the number of rows over all pages. */
export interface ListPage<R> {
  rows: R[];
  total: number;
}

function hasConditions(where: unknown): boolean {
  return typeof where === "object" && where !== null && Object.keys(where).length > 0;
}

/** The relations a delegate's `findMany` can include (`{ organisation: { select: { name: true } } }`). */
export type IncludeOf<D> = NonNullable<Prisma.Args<D, "findMany">["include"]>;
/** The row type of `findMany({ include: I })` on delegate `D`. */
export type IncludedRow<D, I> = Prisma.Result<D, { include: I }, "findMany">[number];

/**
 * Runs a canonical list query against a Prisma model: compiles filter, search,
 * sort and page, ANDs in `options.where`, and reads the page and the exact
 * total count. Relations come with `include` (typed as the delegate's own),
 * or pass `find` to read the page through Prisma yourself:
 *
 *     listPage(ctx.db.upload, query, { fields: UPLOAD_FIELDS, where: [accessibleUploads(ctx.ability, "view")] })
 *     listPage(ctx.db.resource, query, { fields, include: { owner: { select: { username: true } } } })
 *     listPage(ctx.db.resource, query, { fields }, (args) => ctx.db.resource.findMany({ ...args, include }))
 *
 * Underneath, the SQL list path (`query/sql/`) compiles the same arguments
 * straight to one parameterised statement on the driver (page, relations and
 * count, the count remembered while no write changes its tables); a filter it
 * does not compile goes through Prisma with the same result.
 */
export function listPage<W, O, R>(delegate: ListDelegate<W, O, R>, query: ListQuery, options: ListPageOptions<NoInfer<W>>): Promise<ListPage<R>>;
export function listPage<D extends ListDelegate<never, never, unknown>, const I extends IncludeOf<D>>(
  delegate: D,
  query: ListQuery,
  options: ListPageOptions<NonNullable<Prisma.Args<D, "findMany">["where"]>> & { include: I },
): Promise<ListPage<IncludedRow<D, I>>>;
export function listPage<W, O, R, F>(
  delegate: ListDelegate<W, O, R>,
  query: ListQuery,
  options: ListPageOptions<NoInfer<W>>,
  find: (args: PageArgs<W, O>) => PromiseLike<F[]>,
): Promise<ListPage<F>>;
export async function listPage<W, O, R>(
  delegate: ListDelegate<W, O, R>,
  query: ListQuery,
  options: ListPageOptions<W> & { include?: unknown },
  find?: (args: PageArgs<W, O>) => PromiseLike<unknown[]>,
): Promise<ListPage<unknown>> {
  const compiled = compileListQuery(options.fields, query, options.tieBreaker);
  // The compiler builds Prisma's filter shape from the catalog's paths into this model: the one
  // place its structural output is read as the model's own input types.
  const conditions = [compiled.where, ...(options.where ?? [])].filter(hasConditions) as W[];
  const args: PageArgs<W, O> = { where: { AND: conditions } as W, orderBy: compiled.orderBy as O[], skip: compiled.skip, take: compiled.take };
  if (compiled.regexps.length > 0) {
    if (find) throw regexpUnsupported(compiled.regexps[0]!);
    await checkRegexps(delegate, compiled.regexps);
  }
  if (find) {
    const [rows, total] = await Promise.all([find(args), countRows(delegate, args.where)]);
    return { rows, total };
  }
  const fast = await sqlListPage(delegate, { ...args, include: options.include });
  if (fast) return fast;
  if (compiled.regexps.length > 0) throw regexpUnsupported(compiled.regexps[0]!);
  const findMany = delegate.findMany as (args: PageArgs<W, O> & { include?: unknown }) => PromiseLike<R[]>;
  const [rows, total] = await Promise.all([findMany.call(delegate, { ...args, include: options.include }), delegate.count({ where: args.where })]);
  return { rows, total };
}

/**
 * The filter of a list query as the delegate's model's own `where` (e.g. for one `updateMany`
 * over what a list would show). Regular-expression conditions compile to a filter only the SQL
 * list path runs (Prisma has no regex filter), so a query with one is the caller's 400 here.
 */
export function listWhere<W, O, R>(_delegate: ListDelegate<W, O, R>, fields: FieldCatalog, query: ListQuery): NonNullable<W> {
  const compiled = compileListQuery(fields, query);
  if (compiled.regexps.length > 0) throw regexpUnsupported(compiled.regexps[0]!);
  // As in listPage: the compiler's structural filter, built from the catalog's paths into this model.
  return compiled.where as NonNullable<W>;
}

function regexpUnsupported(regexp: RegexpCondition) {
  return Errors.INVALID_PARAMETER({ detail: "Regular-expression matching is not available on this list", source: { parameter: regexp.parameter }, meta: { field: regexp.field } });
}

/** Has the database check each regular expression, so a bad one is the caller's error (naming its parameter), not a failed query. */
async function checkRegexps(delegate: unknown, regexps: readonly RegexpCondition[]): Promise<void> {
  for (const regexp of regexps) {
    const problem = await sqlRegexpError(delegate, regexp.pattern);
    if (problem === undefined) throw regexpUnsupported(regexp);
    if (problem !== null) {
      throw Errors.INVALID_PARAMETER({ detail: `Invalid regular expression: ${problem}`, source: { parameter: regexp.parameter }, meta: { field: regexp.field, reason: "invalid_regexp" } });
    }
  }
}

async function countRows<W>(delegate: ListDelegate<W, unknown, unknown>, where: W): Promise<number> {
  return (await sqlCount(delegate, where)) ?? delegate.count({ where });
}
