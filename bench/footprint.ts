/**
 * Footprint beside Directus 12.4, in one run: start-up time (spawn to the
 * first answer) and idle RSS of the built server (`node
 * packages/server/dist/cli.js serve`) embedded (fresh data dir: initdb and
 * migrations; and a restart on it) and on PostgreSQL, against a fresh
 * Directus (SQLite, `directus start` to /server/ping, as the peer script
 * measures it); where our RSS goes (bench/footprint-steps.mjs); and how long
 * the migrations take on a fresh embedded database. Ratios last.
 *
 *   npm run build && node --import tsx bench/footprint.ts [--rounds 3] [--no-directus] [--before <checkout>]
 *
 * `--before <checkout>`: also runs the built server and the RSS steps of another checkout (e.g. a
 * worktree of an earlier commit, built), interleaved with ours, so before and after share one run.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { defaultMigrationsDir, migrate, openDatabase } from "@assets/core";
import { BenchDatabase } from "./bench-database.js";
import { startDirectus } from "./directus-peer.js";
import { freePort, waitFor } from "./local-server.js";

const { values: args } = parseArgs({
  options: { rounds: { type: "string", default: "3" }, "no-directus": { type: "boolean", default: false }, before: { type: "string" } },
});
const ROUNDS = Number(args.rounds);
const IDLE_MS = 5000;
const load = () => loadavg().map((l) => l.toFixed(1)).join(" ");

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

interface Measure {
  startupMs: number;
  idleMiB: number;
}

/** Starts our built server, times it to /health, waits, reads its RSS, stops it. */
async function ours(env: Record<string, string>, cwd = process.cwd()): Promise<Measure> {
  const port = await freePort();
  const started = Date.now();
  const vars: Record<string, string | undefined> = { ...process.env, LOG_LEVEL: "warn", PORT: String(port), ...env };
  if (!vars.DATABASE_URL) delete vars.DATABASE_URL; // embedded: an empty DATABASE_URL is not "unset" to the server
  const child = spawn(process.execPath, ["packages/server/dist/cli.js", "serve"], { env: vars, stdio: "ignore", cwd });
  await waitFor(`http://127.0.0.1:${port}/health`, Date.now() + 300_000);
  const startupMs = Date.now() - started;
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const idleMiB = await rssMiB(child.pid!);
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
  return { startupMs, idleMiB };
}

async function directus(): Promise<Measure> {
  const server = await startDirectus(await freePort());
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const idleMiB = await rssMiB(server.process.pid!);
  await server.stop();
  return { startupMs: server.startupMs, idleMiB };
}

async function migrationsMs(): Promise<{ openMs: number; migrateMs: number }> {
  let t = Date.now();
  const db = await openDatabase({});
  const openMs = Date.now() - t;
  await db.prisma.$queryRawUnsafe("SELECT 1"); // the query compiler loads once per process, not per migration
  t = Date.now();
  await migrate(db, defaultMigrationsDir);
  const migrateMs = Date.now() - t;
  await db.close();
  return { openMs, migrateMs };
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function main(): Promise<void> {
  process.stdout.write(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, load average ${load()}\n`);
  const results: Record<string, Measure[]> = { "embedded, fresh data dir": [], "embedded, restart": [], "PostgreSQL, fresh database": [], "Directus 12.4 (SQLite), fresh": [] };
  const before = args.before;
  if (before) Object.assign(results, { "before: embedded, fresh data dir": [], "before: embedded, restart": [], "before: PostgreSQL, fresh database": [] });
  const pgdb = new BenchDatabase("assets_bench_footprint");
  for (let round = 1; round <= ROUNDS; round++) {
    const dataDir = await mkdtemp(join(tmpdir(), "footprint-"));
    results["embedded, fresh data dir"]!.push(await ours({ DATA_DIR: dataDir, DATABASE_URL: "" }));
    results["embedded, restart"]!.push(await ours({ DATA_DIR: dataDir, DATABASE_URL: "" }));
    await rm(dataDir, { recursive: true, force: true });
    await (await pgdb.recreate()).close();
    const pgDir = await mkdtemp(join(tmpdir(), "footprint-"));
    results["PostgreSQL, fresh database"]!.push(await ours({ DATA_DIR: pgDir, DATABASE_URL: pgdb.url() }));
    await rm(pgDir, { recursive: true, force: true });
    if (before) {
      const beforeDir = await mkdtemp(join(tmpdir(), "footprint-"));
      results["before: embedded, fresh data dir"]!.push(await ours({ DATA_DIR: beforeDir, DATABASE_URL: "" }, before));
      results["before: embedded, restart"]!.push(await ours({ DATA_DIR: beforeDir, DATABASE_URL: "" }, before));
      await rm(beforeDir, { recursive: true, force: true });
      await (await pgdb.recreate()).close();
      results["before: PostgreSQL, fresh database"]!.push(await ours({ DATA_DIR: beforeDir, DATABASE_URL: pgdb.url() }, before));
    }
    if (!args["no-directus"]) results["Directus 12.4 (SQLite), fresh"]!.push(await directus());
    process.stdout.write(`round ${round} done (load average ${load()})\n`);
  }
  await pgdb.drop();

  const migrations = [];
  for (let round = 1; round <= ROUNDS; round++) migrations.push(await migrationsMs());

  for (const [label, dir] of [["", process.cwd()], ...(before ? [["before: ", before]] : [])] as const) {
    const steps = spawnSync(process.execPath, ["--expose-gc", "bench/footprint-steps.mjs"], { encoding: "utf8", cwd: dir, env: { ...process.env, LOG_LEVEL: "silent" } });
    process.stdout.write(`\n${label}where the embedded server's RSS goes (one process, GC before each reading):\n| step | RSS MiB | + MiB | JS heap MiB | external MiB |\n|---|---:|---:|---:|---:|\n`);
    const lines = steps.stdout.trim().split("\n");
    for (const s of JSON.parse(lines[lines.length - 1]!) as { name: string; rssMiB: number; deltaMiB: number; heapMiB: number; externalMiB: number }[]) {
      process.stdout.write(`| ${s.name} | ${s.rssMiB} | ${s.deltaMiB} | ${s.heapMiB} | ${s.externalMiB} |\n`);
    }
  }

  process.stdout.write(
    `\nmigrations on a fresh in-memory PGlite (median of ${ROUNDS}): open ${median(migrations.map((m) => m.openMs))} ms, migrate ${median(migrations.map((m) => m.migrateMs))} ms [${migrations.map((m) => m.migrateMs).join(", ")}]\n`,
  );
  process.stdout.write(`\n| server | start-up ms (median) | runs | idle RSS MiB (median) | runs |\n|---|---:|---|---:|---|\n`);
  for (const [name, runs] of Object.entries(results)) {
    if (runs.length === 0) continue;
    process.stdout.write(
      `| ${name} | ${median(runs.map((r) => r.startupMs))} | ${runs.map((r) => r.startupMs).join(", ")} | ${median(runs.map((r) => r.idleMiB)).toFixed(0)} | ${runs.map((r) => r.idleMiB.toFixed(0)).join(", ")} |\n`,
    );
  }
  const peer = results["Directus 12.4 (SQLite), fresh"]!;
  if (peer.length) {
    const d = { startupMs: median(peer.map((r) => r.startupMs)), idleMiB: median(peer.map((r) => r.idleMiB)) };
    process.stdout.write(`\nratios to Directus (goal: at most 0.50), load average ${load()}:\n`);
    for (const [name, runs] of Object.entries(results)) {
      if (runs === peer || runs.length === 0) continue;
      process.stdout.write(
        `  ${name}: start-up ${(median(runs.map((r) => r.startupMs)) / d.startupMs).toFixed(2)}x, idle RSS ${(median(runs.map((r) => r.idleMiB)) / d.idleMiB).toFixed(2)}x\n`,
      );
    }
  }
}

await main();
