/**
 * List-query latency over HTTP against PostgreSQL with 100,000 resources:
 * autocannon (10 connections, 10 s) on three JSON:API list queries, with
 * p50/p99 latency, requests/s and the EXPLAIN ANALYZE of the SQL each runs.
 *
 *   node --import tsx bench/list-resources.ts [--duration 10] [--keep]
 *
 * Needs PostgreSQL at BENCH_DATABASE_URL (default postgresql://root@127.0.0.1:5432/postgres);
 * (re)creates the database `assets_bench_list`. The server runs as its own
 * process (`assets serve`, LOG_LEVEL=warn), so autocannon does not share its
 * event loop. Lists as a superuser, so the numbers are the query engine's own;
 * bench/list-permissions.ts measures what permission filters add.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PrismaPg } from "@prisma/adapter-pg";
import autocannon from "autocannon";
import pg from "pg";
import { BenchDatabase } from "./bench-database.js";
import { pino } from "pino";
import {
  PrismaClient,
  RESOURCE_FIELDS,
  ResourceService,
  defineAbilityFor,
  issueApiKey,
  loadPrincipal,
  parseJsonApiQuery,
  type Principal,
} from "@assets/core";

const { values: args } = parseArgs({ options: { duration: { type: "string", default: "10" }, keep: { type: "boolean", default: false } } });
const BENCH_DB = new BenchDatabase("assets_bench_list");

const QUERIES = [
  { name: "filter + order_by, page of 30", path: "/resources?filter[fields][type][eq]=raster&filter[fields][created_at][gte]=2024-02-01T00:00:00Z&order_by=name_ASC&page[limit]=30" },
  { name: "filter[query] text search", path: "/resources?filter[query]=rotterdam%20elevation&page[limit]=30" },
  { name: "deep offset (90,000)", path: "/resources?page[offset]=90000&page[limit]=30" },
];

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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

/** The SQL (and parameters) Prisma sends for one list call, captured from its query log. */
async function capturedSql(principal: Principal, path: string): Promise<{ sql: string; params: unknown[] }[]> {
  const client = new PrismaClient({ adapter: new PrismaPg({ connectionString: BENCH_DB.url() }), log: [{ emit: "event", level: "query" }] });
  const seen: { sql: string; params: unknown[] }[] = [];
  client.$on("query", (event) => seen.push({ sql: event.query, params: JSON.parse(event.params) as unknown[] }));
  const fields = RESOURCE_FIELDS;
  const query = parseJsonApiQuery(new URLSearchParams(path.split("?")[1]), { fields, defaultSort: [{ field: "created_at", direction: "desc" }] });
  await new ResourceService({ fields }).list({ db: client, principal, ability: defineAbilityFor(principal), log: pino({ level: "silent" }) }, query);
  await client.$disconnect();
  return seen;
}

/** User + system CPU of a process in ms (`/proc/<pid>/stat`, clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU of the PostgreSQL backends serving database `name` (their command lines name it), in ms. */
async function backendCpuMs(name: string): Promise<number> {
  let total = 0;
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.startsWith("postgres: ") && cmdline.split(" ").includes(name)) total += await cpuMs(Number(pid)).catch(() => 0);
  }
  return total;
}

/** Busy CPU time of the whole machine, all CPUs, in ms (`/proc/stat`: everything but idle and iowait). */
async function machineBusyMs(): Promise<number> {
  const [, ...ticks] = (await readFile("/proc/stat", "utf8")).split("\n")[0]!.trim().split(/\s+/).map(Number);
  const busy = ticks.reduce((a, b) => a + b, 0) - ticks[3]! - ticks[4]!;
  return busy * 10;
}

async function explain(sql: string, params: unknown[]): Promise<string> {
  const client = new pg.Client({ connectionString: BENCH_DB.url() });
  await client.connect();
  try {
    const result = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
    return result.rows.map((r) => r["QUERY PLAN"]).join("\n");
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const db = await BENCH_DB.recreate();
  process.stdout.write(`seeding 100,000 resources into ${BENCH_DB.name} ...\n`);
  await db.execScript(SEED_SQL);
  await db.execScript("VACUUM ANALYZE"); // a multi-statement script runs as one transaction, which VACUUM refuses
  const user = await db.prisma.user.findUniqueOrThrow({ where: { username: "bench" } });
  const key = await issueApiKey(db.prisma, user.id);
  const principal = (await loadPrincipal(db.prisma, { id: user.id })) as Principal;

  const root = await mkdtemp(join(tmpdir(), "bench-list-"));
  const port = await freePort();
  const server = spawn(process.execPath, ["--import", "tsx", "packages/server/src/cli.ts", "serve"], {
    env: { ...process.env, DATABASE_URL: BENCH_DB.url(), PORT: String(port), DATA_DIR: root, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    server.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && resolve());
    server.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });

  const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
  process.stdout.write(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, load average ${load()}\n\n`);
  const rows: string[] = [];
  for (const query of QUERIES) {
    const [cpuBefore, dbBefore, machineBefore] = [await cpuMs(server.pid!), await backendCpuMs(BENCH_DB.name), await machineBusyMs()];
    const result = await autocannon({
      url: `http://127.0.0.1:${port}${query.path}`,
      connections: 10,
      duration: Number(args.duration),
      headers: { authorization: `Bearer ${key.secret}` },
    });
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`${query.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
    const served = result.requests.total;
    const machinePerRequest = ((await machineBusyMs()) - machineBefore) / served;
    const cpuPerRequest = ((await cpuMs(server.pid!)) - cpuBefore) / served;
    const dbPerRequest = ((await backendCpuMs(BENCH_DB.name)) - dbBefore) / served;
    const statements = await capturedSql(principal, query.path);
    // What the machine's CPUs could serve at this cost per request, beside what the goal needs: by Little's law
    // 10 connections at a mean latency under 25 ms are more than 400 requests/s (and p99 under 25 ms more still).
    const ceiling = Math.round((cpus().length * 1000) / machinePerRequest);
    const summary = `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${Math.round(result.requests.average)} req/s, CPU per request: server ${cpuPerRequest.toFixed(1)} ms, PostgreSQL ${dbPerRequest.toFixed(1)} ms, whole machine ${machinePerRequest.toFixed(1)} ms (at most ${ceiling} req/s on ${cpus().length} CPUs), ${statements.length} statements`;
    rows.push(`| ${query.name} | ${result.latency.p50} | ${result.latency.p99} | ${Math.round(result.requests.average)} | ${cpuPerRequest.toFixed(1)} | ${dbPerRequest.toFixed(1)} | ${machinePerRequest.toFixed(1)} | ${ceiling} | ${statements.length} |`);
    process.stdout.write(`${query.name}: ${summary} (load average ${load()})\n`);
    for (const { sql, params } of statements) {
      process.stdout.write(`\n  ${sql.slice(0, 400)}${sql.length > 400 ? " ..." : ""}\n${(await explain(sql, params)).replace(/^/gm, "    ")}\n`);
    }
    process.stdout.write("\n");
  }
  process.stdout.write(
    `| query | p50 ms | p99 ms | req/s | server CPU ms/req | PostgreSQL CPU ms/req | machine CPU ms/req | CPU-bound max req/s | statements |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n${rows.join("\n")}\n`,
  );

  server.kill("SIGTERM");
  await new Promise((resolve) => server.once("exit", resolve));
  await db.close();
  await rm(root, { recursive: true, force: true });
  if (!args.keep) await BENCH_DB.drop();
}

await main();
