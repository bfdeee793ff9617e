/**
 * Runs one parameterised statement straight on the driver under a Prisma
 * client (the pg pool or the PGlite instance it was opened with), for the
 * list path, which needs no query compiler. Result columns are text.
 */
export interface SqlExecutor {
  query(text: string, values: readonly unknown[]): Promise<Record<string, string | null>[]>;
  /** True for the driver behind a client: its statements run outside any transaction, so counts may be remembered. */
  readonly pooled: boolean;
}

const executors = new WeakMap<object, SqlExecutor>();

/** Declares the driver behind `client` (done by `openDatabase`). */
export function registerSqlExecutor(client: object, executor: SqlExecutor): void {
  executors.set(client, executor);
}

interface RawQueryClient {
  $queryRawUnsafe<T>(query: string, ...values: unknown[]): PromiseLike<T>;
}

function hasRawQuery(client: unknown): client is RawQueryClient {
  return typeof client === "object" && client !== null && typeof (client as { $queryRawUnsafe?: unknown }).$queryRawUnsafe === "function";
}

/**
 * The executor for a Prisma client: its driver when `openDatabase` opened it,
 * else (a transaction's client, a host's own client) Prisma's raw query, which
 * runs in that transaction. Null when `client` is neither.
 */
export function sqlExecutorFor(client: unknown): SqlExecutor | null {
  if (typeof client !== "object" || client === null) return null;
  const known = executors.get(client);
  if (known) return known;
  if (!hasRawQuery(client)) return null;
  return { pooled: false, query: (text, values) => Promise.resolve(client.$queryRawUnsafe<Record<string, string | null>[]>(text, ...values)) };
}
