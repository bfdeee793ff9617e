/**
 * List requests over HTTP beside Directus 12.4, in one run: autocannon (10
 * connections, 10 s, rounds alternating between the servers) on a filtered,
 * sorted, counted page of 30 and on a text search, against
 *
 * - Directus (SQLite, `/files`, the peer script's 10,000 seeded files:
 *   `filter[type][_eq]=image/jpeg&filter[filesize][_gt]=5000&sort=-uploaded_on&limit=30&meta=total_count`
 *   and `search=`), installed by bench/directus-peer.ts;
 * - ours on 10,000 resources seeded with the same distribution (type = the
 *   MIME type, name = the file name, a year of creation times) and the same
 *   query shape: type equality, a range matching the same share of rows
 *   (75 % of the JPEGs, as filesize > 5000 does there), newest first, exact
 *   count; search `filter[query]=` for the same term;
 * - ours on 100,000 resources (the earlier data set and queries).
 *
 * Per query: p50/p99, requests/s, the server's CPU per request (user +
 * system from /proc/<pid>/stat over the run), PostgreSQL backends' CPU and
 * transactions (statements) per request; the ratios to Directus last.
 *
 *   npm run build && node --import tsx bench/list-resources.ts [--duration 10] [--rounds 3] [--no-directus] [--keep]
 *
 * Needs PostgreSQL at BENCH_DATABASE_URL (default postgresql://root@127.0.0.1:5432/postgres);
 * (re)creates `assets_bench_list` and `assets_bench_list10k`. Our server runs
 * as its own process, built (`packages/server/dist/cli.js serve`; from source
 * through tsx when not built), LOG_LEVEL=warn, as a superuser's API key.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { BenchDatabase } from "./bench-database.js";
import { freePort } from "./local-server.js";
import { DIRECTUS_TOKEN, seedDirectusFiles, startDirectus, type DirectusServer } from "./directus-peer.js";
import { issueApiKey } from "@assets/core";

const { values: args } = parseArgs({
  options: {
    duration: { type: "string", default: "10" },
    rounds: { type: "string", default: "3" },
    keep: { type: "boolean", default: false },
    "no-directus": { type: "boolean", default: false },
    /** Another checkout (e.g. a worktree of an earlier commit, with node_modules) to serve the 10k rows too, from source. */
    before: { type: "string" },
  },
});
const DB_100K = new BenchDatabase("assets_bench_list");
const DB_10K = new BenchDatabase("assets_bench_list10k");
const YEAR_MS = 365 * 86400 * 1000;

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

// The peer script's files as resources: MIME type at 50/25/15/10 %, file name, a year of creation times.
const SEED_10K_SQL = `
INSERT INTO "User" (uuid, username, is_superuser) VALUES (gen_random_uuid(), 'bench', true);
INSERT INTO "Resource" (uuid, type, name, description, owner_id, access_modifier, created_at, updated_at)
  SELECT gen_random_uuid(), t.mime, 'seed-' || g || '.' || t.ext, 'seed ' || g, 1, 'Public', c.at, c.at
  FROM generate_series(1, 10000) g,
       LATERAL (SELECT abs(hashtext('t' || g)) % 100 AS p) r,
       LATERAL (SELECT CASE WHEN r.p < 50 THEN 'image/jpeg' WHEN r.p < 75 THEN 'image/png' WHEN r.p < 90 THEN 'application/pdf' ELSE 'video/mp4' END AS mime,
                       CASE WHEN r.p < 50 THEN 'jpg' WHEN r.p < 75 THEN 'png' WHEN r.p < 90 THEN 'pdf' ELSE 'mp4' END AS ext) t,
       LATERAL (SELECT now() - (abs(hashtext('u' || g)) % (365 * 86400)) * interval '1 second' AS at) c;
`;

interface Target {
  name: string;
  url: string;
  pid: number;
  headers: Record<string, string>;
  /** PostgreSQL database it reads (none for Directus). */
  database?: string;
}

interface Query {
  name: string;
  /** Path per target name; a target without one skips the query. */
  paths: Record<string, string>;
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


/** Transactions committed in database `name` so far (autocommit statements each count one). */
async function commits(name: string): Promise<number> {
  const client = new pg.Client({ connectionString: DB_100K.url() });
  await client.connect();
  try {
    // Backends report their counters when idle for a moment; wait for that before reading.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const { rows } = await client.query<{ n: string }>("SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = $1", [name]);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** Our built server (or, not built, from source through tsx) on `db`, with a superuser key. */
async function startOurs(db: BenchDatabase, name: string, root: string, checkout = "."): Promise<{ target: Target; process: ChildProcess }> {
  const port = await freePort();
  const built = checkout === "." && existsSync("packages/server/dist/cli.js");
  const argv = built ? ["packages/server/dist/cli.js", "serve"] : ["packages/server/bin/assets.js", "serve"];
  const child = spawn(process.execPath, argv, {
    cwd: checkout,
    env: { ...process.env, DATABASE_URL: db.url(), PORT: String(port), DATA_DIR: root, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && resolve());
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { target: { name, url: `http://127.0.0.1:${port}`, pid: child.pid!, headers: {}, database: db.name }, process: child };
}

async function seeded(db: BenchDatabase, script: string): Promise<string> {
  const database = await db.recreate();
  await database.execScript(script);
  await database.execScript("VACUUM ANALYZE"); // a multi-statement script runs as one transaction, which VACUUM refuses
  const user = await database.prisma.user.findUniqueOrThrow({ where: { username: "bench" } });
  const key = await issueApiKey(database.prisma, user.id);
  await database.close();
  return key.secret;
}

interface Run {
  p50: number;
  p99: number;
  rps: number;
  serverCpu: number;
  dbCpu: number | null;
  statements: number | null;
  machineCpu: number;
}

async function measure(target: Target, path: string): Promise<Run> {
  const [cpuBefore, dbBefore, machineBefore, commitsBefore] = [
    await cpuMs(target.pid),
    target.database ? await backendCpuMs(target.database) : 0,
    await machineBusyMs(),
    target.database ? await commits(target.database) : 0,
  ];
  const result = await autocannon({ url: `${target.url}${path}`, connections: 10, duration: Number(args.duration), headers: target.headers });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${target.name} ${path}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  const served = result.requests.total;
  const machineCpu = ((await machineBusyMs()) - machineBefore) / served;
  const serverCpu = ((await cpuMs(target.pid)) - cpuBefore) / served;
  const dbCpu = target.database ? ((await backendCpuMs(target.database)) - dbBefore) / served : null;
  // The key lookup is cached after the first request, so what remains per request is the list call's own statements.
  const statements = target.database ? ((await commits(target.database)) - commitsBefore) / served : null;
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, serverCpu, dbCpu, statements, machineCpu };
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
  process.stdout.write(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, load average ${load()}\n`);
  process.stdout.write("seeding 100,000 and 10,000 resources ...\n");
  const seedTime = Date.now();
  const key100k = await seeded(DB_100K, SEED_SQL);
  const key10k = await seeded(DB_10K, SEED_10K_SQL);
  const root = await mkdtemp(join(tmpdir(), "bench-list-"));
  const servers: { target: Target; stop: () => Promise<void> }[] = [];
  const stopChild = (child: ChildProcess) => () =>
    new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });

  let directus: DirectusServer | null = null;
  if (!args["no-directus"]) {
    directus = await startDirectus(await freePort());
    seedDirectusFiles(10_000);
    servers.push({ target: { name: "Directus 10k", url: directus.url, pid: directus.process.pid!, headers: { authorization: `Bearer ${DIRECTUS_TOKEN}` } }, stop: directus.stop });
  }
  const ourServers: [BenchDatabase, string, string, string?][] = [[DB_10K, "ours 10k", key10k], [DB_100K, "ours 100k", key100k]];
  if (args.before) ourServers.push([DB_10K, "ours 10k, before", key10k, args.before]);
  for (const [db, name, key, checkout] of ourServers) {
    const ours = await startOurs(db, name, await mkdtemp(join(root, "data-")), checkout);
    ours.target.headers = { authorization: `Bearer ${key}` };
    servers.push({ target: ours.target, stop: stopChild(ours.process) });
  }

  // 75 % of a year back: the share of the seeded JPEGs that filesize > 5000 keeps in Directus's data.
  const cutoff = new Date(seedTime - 0.75 * YEAR_MS).toISOString();
  const queries: Query[] = [
    {
      name: "filter + sort + count, page of 30",
      paths: {
        "Directus 10k": "/files?filter[type][_eq]=image/jpeg&filter[filesize][_gt]=5000&sort=-uploaded_on&limit=30&meta=total_count",
        "ours 10k": `/resources?filter[fields][type][eq]=image%2Fjpeg&filter[fields][created_at][gte]=${cutoff}&order_by=created_at_DESC&page[limit]=30`,
        "ours 10k, before": `/resources?filter[fields][type][eq]=image%2Fjpeg&filter[fields][created_at][gte]=${cutoff}&order_by=created_at_DESC&page[limit]=30`,
        "ours 100k": "/resources?filter[fields][type][eq]=raster&filter[fields][created_at][gte]=2024-02-01T00:00:00Z&order_by=name_ASC&page[limit]=30",
      },
    },
    {
      name: "text search + count, page of 30",
      paths: {
        "Directus 10k": "/files?search=seed-12&limit=30&meta=total_count",
        "ours 10k": "/resources?filter[query]=seed-12&page[limit]=30",
        "ours 10k, before": "/resources?filter[query]=seed-12&page[limit]=30",
        "ours 100k": "/resources?filter[query]=rotterdam%20elevation&page[limit]=30",
      },
    },
    { name: "deep offset (90,000)", paths: { "ours 100k": "/resources?page[offset]=90000&page[limit]=30" } },
  ];

  for (const { target } of servers) {
    for (const query of queries) {
      const path = query.paths[target.name];
      if (!path) continue;
      const res = await fetch(`${target.url}${path}`, { headers: target.headers });
      const body = (await res.json()) as { data: unknown[]; meta?: Record<string, unknown> };
      process.stdout.write(`${target.name} ${query.name}: ${res.status}, ${body.data.length} rows, meta ${JSON.stringify(body.meta)}\n`);
      await autocannon({ url: `${target.url}${path}`, connections: 10, duration: 2, headers: target.headers }); // warm-up
    }
  }

  const runs = new Map<string, Run[]>();
  for (let round = 1; round <= Number(args.rounds); round++) {
    for (const query of queries) {
      for (const { target } of servers) {
        const path = query.paths[target.name];
        if (!path) continue;
        const run = await measure(target, path);
        const key = `${query.name}\u0000${target.name}`;
        runs.set(key, [...(runs.get(key) ?? []), run]);
        process.stdout.write(
          `round ${round} ${target.name} ${query.name}: p50 ${run.p50} ms, p99 ${run.p99} ms, ${run.rps.toFixed(0)} req/s, server CPU ${run.serverCpu.toFixed(2)} ms/req` +
            `${run.dbCpu === null ? "" : `, PostgreSQL ${run.dbCpu.toFixed(2)} ms/req, ${run.statements!.toFixed(2)} statements/req`}, machine ${run.machineCpu.toFixed(2)} ms/req (load ${load()})\n`,
        );
      }
    }
  }
  for (const server of servers) await server.stop();

  const rows: string[] = [];
  const summary = (query: string, server: string) => {
    const list = runs.get(`${query}\u0000${server}`);
    if (!list) return null;
    const pick = (f: (r: Run) => number) => median(list.map(f));
    return { rps: pick((r) => r.rps), cpu: pick((r) => r.serverCpu), p50: pick((r) => r.p50), p99: pick((r) => r.p99), db: list[0]!.dbCpu === null ? null : pick((r) => r.dbCpu!), statements: list[0]!.statements === null ? null : pick((r) => r.statements!), all: list.map((r) => r.rps.toFixed(0)).join(", ") };
  };
  for (const query of queries) {
    for (const { target } of servers) {
      const s = summary(query.name, target.name);
      if (!s) continue;
      rows.push(`| ${query.name} | ${target.name} | ${s.p50} | ${s.p99} | ${s.rps.toFixed(0)} (${s.all}) | ${s.cpu.toFixed(2)} | ${s.db === null ? "-" : s.db.toFixed(2)} | ${s.statements === null ? "-" : s.statements.toFixed(2)} |`);
    }
  }
  process.stdout.write(
    `\nmedians of ${args.rounds} rounds, c=10, ${args.duration} s each, load average ${load()}\n| query | server | p50 ms | p99 ms | req/s (rounds) | server CPU ms/req | PostgreSQL CPU ms/req | statements/req |\n|---|---|---:|---:|---:|---:|---:|---:|\n${rows.join("\n")}\n`,
  );
  if (directus) {
    process.stdout.write("\nratios to Directus on its 10k rows (goals: filter req/s >= 5x and server CPU <= 1/5; search req/s >= 3x):\n");
    for (const query of queries.slice(0, 2)) {
      const peer = summary(query.name, "Directus 10k")!;
      for (const server of ["ours 10k", "ours 100k", "ours 10k, before"]) {
        const s = summary(query.name, server);
        if (!s) continue;
        process.stdout.write(`  ${query.name}, ${server}: ${(s.rps / peer.rps).toFixed(2)}x the requests/s, ${(s.cpu / peer.cpu).toFixed(2)}x the server CPU per request (1/${(peer.cpu / s.cpu).toFixed(1)})\n`);
      }
    }
  }
  await rm(root, { recursive: true, force: true });
  if (!args.keep) {
    await DB_100K.drop();
    await DB_10K.drop();
  }
}

await main();
