import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { PrismaClient } from "../generated/prisma/client.js";
import { prismaClientClass, type PrismaClientClass } from "./prisma-client.js";
import { pgliteTemplateBlob, seedDataDir } from "./pglite-template.js";
import { registerSqlExecutor } from "./sql-executor.js";

/** The Prisma client type every service receives. */
export type Db = PrismaClient;

/** Where the database lives: a PostgreSQL URL, or a PGlite directory (undefined = in memory). */
export type DatabaseTarget = { url: string } | { dataDir?: string };

/** How to open it. */
export interface OpenDatabaseOptions {
  /**
   * The directory of the Prisma client `assets-schema` generated for the host (core + its plugins' models).
   * Default: the one it wrote into the host's `node_modules/.prisma/client`, else the core's own client,
   * which knows the core's models only.
   */
  prismaClient?: string;
}

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
export async function openDatabase(target: DatabaseTarget, options: OpenDatabaseOptions = {}): Promise<Database> {
  const PrismaClient = prismaClientClass(options.prismaClient);
  if ("url" in target) return openPostgres(PrismaClient, target.url);
  return openPglite(PrismaClient, target.dataDir);
}

async function openPostgres(PrismaClient: PrismaClientClass, url: string): Promise<Database> {
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

/**
 * PostgreSQL's shared buffers live in PGlite's WebAssembly memory, which never shrinks: its default
 * 128 MB was 130 MiB of an idle embedded server's RSS. One process with one connection and an
 * embedded-sized database reads through the OS page cache as well with 16 MB.
 */
const PGLITE_SETTINGS = ["-c", "shared_buffers=16MB"];

async function openPglite(PrismaClient: PrismaClientClass, dataDir: string | undefined): Promise<Database> {
  // A new database starts from the template the build made, when there is one, instead of initdb.
  if (dataDir) {
    seedDataDir(dataDir);
    mkdirSync(dataDir, { recursive: true });
  }
  const template = dataDir ? undefined : pgliteTemplateBlob();
  const pglite = await PGlite.create(dataDir, {
    extensions: { pg_trgm },
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS],
    ...(template ? { loadDataDir: template } : {}),
  });
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
