import { join } from "node:path";
import { defaultMigrationsDir, migrate, openDatabase, type Database } from "@assets/core";
import { serverPlugins } from "./plugins.js";
import type { Logger } from "pino";
import type { ServerConfig } from "./config.js";

/** Opens PostgreSQL when DATABASE_URL is set, else the embedded PGlite in DATA_DIR/db, and applies migrations. */
export async function openServerDatabase(config: ServerConfig, log: Logger): Promise<Database> {
  const db = config.databaseUrl ? await openDatabase({ url: config.databaseUrl }) : await openDatabase({ dataDir: join(config.dataDir, "db") });
  const applied = await migrate(db, defaultMigrationsDir, serverPlugins());
  if (applied.length) log.info({ applied }, "migrations applied");
  return db;
}
