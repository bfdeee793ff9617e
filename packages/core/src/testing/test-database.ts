import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate } from "../db/migrate.js";
import { openDatabase, type Database } from "../db/open-database.js";
import type { MigratingPlugin } from "../db/migrate.js";
import { defaultMigrationsDir } from "../db/paths.js";

/** Options of {@link createTestDatabase}. */
export interface TestDatabaseOptions {
  /** Plugins whose migrations are applied after the core's. */
  plugins?: readonly MigratingPlugin[];
}

/**
 * A migrated, empty database for one test file: a fresh PostgreSQL database
 * when `DATABASE_URL` is set (dropped again on close), an in-memory PGlite
 * otherwise. Every integration test boots its database through this helper.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<Database> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const db = await openDatabase({});
    await migrate(db, defaultMigrationsDir, options.plugins);
    return db;
  }
  const name = `assets_test_${Date.now()}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString() });
  await migrate(db, defaultMigrationsDir, options.plugins);
  const close = db.close.bind(db);
  return {
    ...db,
    async close() {
      await close();
      const dropper = new pg.Client({ connectionString: baseUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await dropper.end();
    },
  };
}
