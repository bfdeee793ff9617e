import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Database } from "./open-database.js";

/** What migrate() needs of a plugin (an `AssetPlugin` is one): its name and its migrations folder. */
export interface MigratingPlugin {
  name: string;
  migrations?: string;
}

/** One migration folder: `<timestamp>_<name>/migration.sql`. */
interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
);`;

async function loadMigrations(dir: string): Promise<Migration[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    entries.map(async (name) => {
      const sql = await readFile(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/** The migration folders to apply, in order: the core's, then each plugin's (named `<plugin>/<folder>`). */
async function plan(migrationsDir: string, plugins: readonly MigratingPlugin[]): Promise<{ migration: Migration; legacyName?: string }[]> {
  const steps: { migration: Migration; legacyName?: string }[] = (await loadMigrations(migrationsDir)).map((migration) => ({ migration }));
  for (const plugin of plugins) {
    if (!plugin.migrations) continue;
    for (const migration of await loadMigrations(plugin.migrations)) {
      // A plugin's migration that ran when the core still carried it was recorded under its bare name.
      steps.push({ migration: { ...migration, name: `${plugin.name}/${migration.name}` }, legacyName: migration.name });
    }
  }
  return steps;
}

/**
 * Applies pending migrations: the core's from `migrationsDir` (`defaultMigrationsDir`), then
 * each plugin's (`AssetPlugin.migrations`) in the order given, recording them in Prisma's own
 * `_prisma_migrations` table (a plugin's as `<plugin name>/<folder>`). Used on start in embedded
 * mode and by `assets migrate`; it needs no Prisma CLI or engine at run time. Returns the names
 * it applied.
 */
export async function migrate(db: Database, migrationsDir: string, plugins: readonly MigratingPlugin[] = []): Promise<string[]> {
  await db.execScript(MIGRATIONS_TABLE);
  const applied = await db.prisma.$queryRawUnsafe<{ migration_name: string }[]>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const done = new Set(applied.map((row) => row.migration_name));
  const ran: string[] = [];
  for (const { migration, legacyName } of await plan(migrationsDir, plugins)) {
    if (done.has(migration.name) || (legacyName !== undefined && done.has(legacyName))) continue;
    const id = randomUUID();
    // One script per migration, inside a transaction: a failed migration leaves nothing half-applied.
    await db.execScript(
      `BEGIN;\n${migration.sql}\nINSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) ` +
        `VALUES ('${id}', '${migration.checksum}', now(), '${migration.name.replace(/'/g, "''")}', 1);\nCOMMIT;`,
    );
    ran.push(migration.name);
  }
  // Tables that migrations just created get the list path's change trigger (count-cache generations).
  if (ran.length > 0) await db.execScript("SELECT assets_track_list_tables()");
  return ran;
}
