/**
 * List-query latency over HTTP against PostgreSQL with 100,000 resources:
 * autocannon (10 connections, 10 s) on three JSON:API list queries, with
 * p50/p99 latency, requests/s and the EXPLAIN ANALYZE of the SQL each runs.
 *
 *   node --import tsx bench/list-resources.ts [--duration 10] [--keep]
 *
 * Needs PostgreSQL at BENCH_DATABASE_URL (default postgresql://root@127.0.0.1:5432/postgres);
 * (re)creates the database `assets_bench_list`. Lists as a superuser, so the
 * numbers are the query engine's own; bench/list-permissions.ts measures what
 * permission filters add.
 */
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import autocannon from "autocannon";
import express from "express";
import pg from "pg";
import { pino } from "pino";
import {
  PrismaClient,
  LocalDiskStorage,
  RESOURCE_FIELDS,
  ResourceService,
  createAssetRouter,
  createPipeline,
  defaultMigrationsDir,
  defineAbilityFor,
  issueApiKey,
  loadPrincipal,
  migrate,
  openDatabase,
  parseJsonApiQuery,
  type Database,
  type Principal,
} from "@assets/core";

const { values: args } = parseArgs({ options: { duration: { type: "string", default: "10" }, keep: { type: "boolean", default: false } } });
const BASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://root@127.0.0.1:5432/postgres";
const DB_NAME = "assets_bench_list";

const QUERIES = [
  { name: "filter + order_by, page of 30", path: "/resources?filter[fields][type][eq]=raster&filter[fields][created_at][gte]=2024-02-01T00:00:00Z&order_by=name_ASC&page[limit]=30" },
  { name: "filter[query] text search", path: "/resources?filter[query]=rotterdam%20elevation&page[limit]=30" },
  { name: "deep offset (90,000)", path: "/resources?page[offset]=90000&page[limit]=30" },
];

function databaseUrl(): string {
  const url = new URL(BASE_URL);
  url.pathname = `/${DB_NAME}`;
  return url.toString();
}

async function recreateDatabase(): Promise<Database> {
  const admin = new pg.Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${DB_NAME}"`);
  await admin.end();
  const db = await openDatabase({ url: databaseUrl() });
  await migrate(db, defaultMigrationsDir);
  return db;
}

// Names from a small vocabulary so text search has realistic hit rates; hashtext() stands in for a seeded RNG.
const SEED_SQL = `
INSERT INTO "Organisation" (uuid, name) SELECT gen_random_uuid(), 'Organisation ' || g FROM generate_series(1, 50) g;
INSERT INTO "User" (uuid, username, is_superuser) VALUES (gen_random_uuid(), 'bench', true);
INSERT INTO "Resource" (uuid, type, name, description, organisation_id, owner_id, access_modifier, tags, created_at, updated_at)
  SELECT gen_random_uuid(), (ARRAY['raster', 'vector', 'document'])[1 + abs(hashtext('t' || g)) % 3],
         (ARRAY['Elevation', 'Rainfall', 'Land use', 'Soil moisture', 'Flood depth', 'Temperature', 'Evaporation', 'Groundwater'])[1 + abs(hashtext('n' || g)) % 8]
           || ' ' || (ARRAY['Rotterdam', 'Utrecht', 'Maastricht', 'Groningen', 'Zwolle', 'Delft', 'Arnhem', 'Breda', 'Leiden', 'Almere'])[1 + abs(hashtext('c' || g)) % 10]
           || ' ' || g,
         'Model output ' || g || ' of run ' || (g % 97),
         1 + abs(hashtext('o' || g)) % 50, 1,
         (ARRAY['Public', 'Common', 'Private', 'Hidden'])[1 + abs(hashtext('a' || g)) % 4]::"AccessModifier",
         ARRAY['tag' || (g % 10)],
         timestamp '2024-01-01' + (g || ' minutes')::interval,
         timestamp '2024-01-01' + (g || ' minutes')::interval
  FROM generate_series(1, 100000) g;
`;

/** The SQL (and parameters) Prisma sends for one list call, captured from its query log. */
async function capturedSql(principal: Principal, path: string): Promise<{ sql: string; params: unknown[] }[]> {
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl() }), log: [{ emit: "event", level: "query" }] });
  const seen: { sql: string; params: unknown[] }[] = [];
  client.$on("query", (event) => seen.push({ sql: event.query, params: JSON.parse(event.params) as unknown[] }));
  const fields = RESOURCE_FIELDS;
  const query = parseJsonApiQuery(new URLSearchParams(path.split("?")[1]), { fields, defaultSort: [{ field: "created_at", direction: "desc" }] });
  await new ResourceService({ fields }).list({ db: client, principal, ability: defineAbilityFor(principal), log: pino({ level: "silent" }) }, query);
  await client.$disconnect();
  return seen;
}

async function explain(sql: string, params: unknown[]): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    const result = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
    return result.rows.map((r) => r["QUERY PLAN"]).join("\n");
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const db = await recreateDatabase();
  process.stdout.write(`seeding 100,000 resources into ${DB_NAME} ...\n`);
  await db.execScript(SEED_SQL);
  await db.execScript("VACUUM ANALYZE"); // a multi-statement script runs as one transaction, which VACUUM refuses
  const user = await db.prisma.user.findUniqueOrThrow({ where: { username: "bench" } });
  const key = await issueApiKey(db.prisma, user.id);
  const principal = (await loadPrincipal(db.prisma, { id: user.id })) as Principal;

  const root = await mkdtemp(join(tmpdir(), "bench-list-"));
  const pipeline = createPipeline({ db, storage: new LocalDiskStorage({ root }), log: pino({ level: "silent" }) });
  const app = express();
  app.use(createAssetRouter({ pipeline, logger: pino({ level: "silent" }) }));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const port = (server.address() as AddressInfo).port;

  process.stdout.write(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}\n\n`);
  const rows: string[] = [];
  for (const query of QUERIES) {
    const result = await autocannon({
      url: `http://127.0.0.1:${port}${query.path}`,
      connections: 10,
      duration: Number(args.duration),
      headers: { authorization: `Bearer ${key.secret}` },
    });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${query.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    rows.push(`| ${query.name} | ${result.latency.p50} | ${result.latency.p99} | ${Math.round(result.requests.average)} |`);
    process.stdout.write(`${query.name}: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${Math.round(result.requests.average)} req/s\n`);
    for (const { sql, params } of await capturedSql(principal, query.path)) {
      process.stdout.write(`\n  ${sql.slice(0, 400)}${sql.length > 400 ? " ..." : ""}\n${(await explain(sql, params)).replace(/^/gm, "    ")}\n`);
    }
    process.stdout.write("\n");
  }
  process.stdout.write(`| query | p50 ms | p99 ms | req/s |\n|---|---:|---:|---:|\n${rows.join("\n")}\n`);

  await new Promise((resolve) => server.close(resolve));
  await pipeline.close();
  await db.close();
  await rm(root, { recursive: true, force: true });
  if (!args.keep) {
    const admin = new pg.Client({ connectionString: BASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`);
    await admin.end();
  }
}

await main();
