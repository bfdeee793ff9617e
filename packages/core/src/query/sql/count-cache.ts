import type { SqlExecutor } from "../../db/sql-executor.js";

/**
 * Exact counts remembered per filter, valid for one generation of the tables
 * the filter reads. The generation is kept in PostgreSQL (`_list_changes`,
 * migration `20261203110000_list_changes`): every transaction that writes a
 * table adds one row for it, from a statement trigger, in that transaction.
 * Its sum over the filter's tables is read in the same statement (and so the
 * same snapshot) as the page, so a remembered count is only used when no
 * write to those tables committed since it was counted, in any process.
 */

/** Change rows of one table after which `compactChanges` folds them into one. */
const COMPACT_AFTER = 200;

interface Entry {
  generation: string;
  total: number;
}

/** One database's remembered counts (an LRU of `capacity` filters) and which tables carry the change trigger. */
export class CountCache {
  private readonly entries = new Map<string, Entry>();
  /** Tables known to carry the trigger; a table never loses it. */
  readonly tracked = new Set<string>();
  private compacting = false;

  constructor(private readonly capacity = 1000) {}

  get(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Whether every table carries the trigger (asks the catalog for tables not yet seen). */
  async covers(executor: SqlExecutor, tables: readonly string[]): Promise<boolean> {
    const unknown = tables.filter((t) => !this.tracked.has(t));
    if (unknown.length === 0) return true;
    const rows = await executor.query(
      `SELECT c.relname AS name FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
        WHERE g.tgname = 'assets_list_changes' AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY($1)`,
      [unknown],
    );
    for (const row of rows) if (row.name) this.tracked.add(row.name);
    return unknown.every((t) => this.tracked.has(t));
  }

  /** Folds the change rows of `tables` into one per table once there are many (sums are unchanged). */
  compactIfNeeded(executor: SqlExecutor, tables: readonly string[], changes: number): void {
    if (changes <= COMPACT_AFTER || this.compacting) return;
    this.compacting = true;
    executor
      .query(
        `WITH gone AS (DELETE FROM "_list_changes" WHERE table_name = ANY($1) RETURNING table_name, n)
         INSERT INTO "_list_changes" (table_name, n) SELECT table_name, sum(n) FROM gone GROUP BY table_name`,
        [tables],
      )
      .catch(() => undefined) // another process compacting at once: the next read retries
      .finally(() => (this.compacting = false));
  }
}

const caches = new WeakMap<SqlExecutor, CountCache>();

/** The count cache of the database behind `executor`. */
export function countCacheFor(executor: SqlExecutor): CountCache {
  let cache = caches.get(executor);
  if (!cache) caches.set(executor, (cache = new CountCache()));
  return cache;
}
