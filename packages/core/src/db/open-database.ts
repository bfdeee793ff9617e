import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "../generated/prisma/client.js";
import { registerSqlExecutor } from "./sql-executor.js";

/** The Prisma client type every service receives. */
export type Db = PrismaClient;

/** Where the database lives: a PostgreSQL URL, or a PGlite directory (undefined = in memory). */
export type DatabaseTarget = { url: string } | { dataDir?: string };

/** An open database: the Prisma client plus raw multi-statement SQL for migrations. */
export interface Database {
  prisma: Db;
  /** Runs SQL that may hold several statements (simple query protocol). */
  execScript(sql: string): Promise<void>;
  /** Which engine this is, for /health and logs. */
  kind: "postgresql" | "pglite";
  /** Connection URL of a PostgreSQL database (so other processes, e.g. workers, can reach it). */
  url?: string;
  close(): Promise<void>;
}

/**
 * Opens PostgreSQL when given a URL, or an embedded PGlite otherwise. Both run
 * the same migrations and the same queries; PGlite allows one process only.
 */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if ("url" in target) return openPostgres(target.url);
  return openPglite(target.dataDir);
}

async function openPostgres(url: string): Promise<Database> {
  // One pool for Prisma and for the list path's own statements.
  const pool = new pg.Pool({ connectionString: url });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  registerSqlExecutor(prisma, { pooled: true, query: async (text, values) => (await pool.query<Record<string, string | null>>(text, [...values])).rows });
  return {
    prisma,
    kind: "postgresql",
    url,
    async execScript(sql) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    },
    async close() {
      await prisma.$disconnect();
      if (!pool.ended) await pool.end(); // when Prisma never connected, the list path may have
    },
  };
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, { extensions: { pg_trgm } });
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  // PGlite runs one statement at a time and holds other statements while a Prisma transaction is open.
  registerSqlExecutor(prisma, { pooled: true, query: async (text, values) => (await pglite.query<Record<string, string | null>>(text, [...values])).rows });
  return {
    prisma,
    kind: "pglite",
    async execScript(sql) {
      await pglite.exec(sql);
    },
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}
