// Hostile GeoTIFFs of issue 17 (the files test/hostile-files.test.ts uploads) through the upload
// pipeline of an app with the raster-source plugin: per file, the event-loop delay while it is
// processed (perf_hooks.monitorEventLoopDelay, p99 and max), how long processing took, how the
// upload ended, and peak RSS growth (VmHWM after minus VmRSS before, VmHWM reset first, in a
// fresh child per file).
// Each child first ingests one valid fixture (warm-up); "idle" is 2 s of the same polling without
// an upload: the machine's own event-loop noise.
// Run: node --import tsx bench/hostile-rasters.ts [name ...]
import { spawnSync } from "node:child_process";
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { pino } from "pino";
import { LocalDiskStorage, createPipeline, defaultMigrationsDir, defineAbilityFor, loadPrincipal, migrate, openDatabase } from "@assets/core";
import { rasterSourcePlugin } from "../plugins/raster-source/src/index.js";
import { HOSTILE_TIFFS, type HostileTiff } from "../packages/geotiff/src/__tests__/hostile-tiffs.js";

const here = fileURLToPath(import.meta.url);
const WARM_UP = path.resolve(path.dirname(here), "../../shared/fixtures/rasters/utm31n_u2_cog.tif");
const mem = (key: string) => Number(new RegExp(`${key}:[^0-9]*([0-9]+)`).exec(readFileSync("/proc/self/status", "utf8"))![1]) / 1024;

interface Outcome {
  name: string;
  bytes: number;
  state: string;
  detail: string;
  ms: number;
  p99: number;
  max: number;
  rssGrowthMiB: number;
}

/** Ingests one hostile file ("idle": none, 2 s of the same polling) in this process and prints its {@link Outcome} as JSON. */
async function one(name: HostileTiff | "idle"): Promise<void> {
  const log = pino({ level: "silent" });
  const db = await openDatabase({});
  const plugins = [rasterSourcePlugin()];
  await migrate(db, defaultMigrationsDir, plugins);
  const root = mkdtempSync(path.join(tmpdir(), "bench-hostile-"));
  const pipeline = createPipeline({ db, storage: new LocalDiskStorage({ root }), plugins, log });
  await pipeline.startWorker(1);
  const user = await db.prisma.user.create({ data: { username: "bench" } });
  const principal = (await loadPrincipal(db.prisma, { id: user.id }))!;
  const ctx = { db: db.prisma, principal, ability: defineAbilityFor(principal), log };
  // One valid upload first, so the first upload's module loading and JIT warm-up are not counted.
  const warm = await pipeline.ingest.ingest(ctx, { body: createReadStream(WARM_UP), filename: "warm-up.tif", type: "raster_source" });
  while (!["committed", "rejected"].includes((await db.prisma.upload.findUniqueOrThrow({ where: { id: warm.upload.id } })).state)) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const bytes = name === "idle" ? Buffer.alloc(0) : HOSTILE_TIFFS[name]();
  global.gc?.();
  writeFileSync("/proc/self/clear_refs", "5"); // resets VmHWM to the current RSS, so setup's peak does not count
  const baseline = mem("VmRSS");
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const start = performance.now();
  let row = { state: "idle", state_detail: "" };
  if (name === "idle") {
    while (performance.now() - start < 2000) {
      await new Promise((r) => setTimeout(r, 20));
      await db.prisma.upload.count();
    }
  } else {
    const { upload } = await pipeline.ingest.ingest(ctx, { body: Readable.from([bytes]), filename: `${name}.tif`, type: "raster_source" });
    row = upload;
    while (row.state !== "committed" && row.state !== "rejected") {
      await new Promise((r) => setTimeout(r, 20));
      row = await db.prisma.upload.findUniqueOrThrow({ where: { id: upload.id } });
    }
  }
  const ms = performance.now() - start;
  delay.disable();
  const outcome: Outcome = {
    name, bytes: bytes.length, state: row.state, detail: row.state_detail, ms,
    p99: delay.percentile(99) / 1e6, max: delay.max / 1e6, rssGrowthMiB: mem("VmHWM") - baseline,
  };
  await pipeline.close();
  await db.close();
  rmSync(root, { recursive: true, force: true });
  console.log(JSON.stringify(outcome));
}

function main(names: string[]): void {
  console.log(`node ${process.version}, ${cpus()[0]?.model} x ${cpus().length}, load ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`);
  console.log("| file | bytes | outcome | processing | event-loop delay p99 | max | peak RSS growth |");
  console.log("|---|---:|---|---:|---:|---:|---:|");
  for (const name of names) {
    const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", here, "--one", name], { encoding: "utf8", maxBuffer: 16 << 20 });
    const line = r.stdout.trim().split("\n").pop() ?? "";
    if (r.status !== 0 || !line.startsWith("{")) {
      console.log(`| ${name} | | child failed (${r.status}): ${r.stderr.trim().split("\n").slice(-3).join(" ")} | | | | |`);
      continue;
    }
    const o = JSON.parse(line) as Outcome;
    const detail = o.detail.length > 90 ? `${o.detail.slice(0, 90)}…` : o.detail;
    console.log(`| ${o.name} | ${o.bytes} | ${o.state}${detail ? `: ${detail}` : ""} | ${o.ms.toFixed(0)} ms | ${o.p99.toFixed(1)} ms | ${o.max.toFixed(1)} ms | ${o.rssGrowthMiB.toFixed(0)} MiB |`);
  }
}

const args = process.argv.slice(2);
if (args[0] === "--one") await one(args[1] as HostileTiff | "idle");
else main(args.length ? args : ["idle", ...Object.keys(HOSTILE_TIFFS)]);
