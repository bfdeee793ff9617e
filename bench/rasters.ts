// GeoTIFF engine (packages/geotiff) against GDAL on the 604 MB raster of the
// fixtures README: metadata time, statistics time + peak RSS, window-read latency.
// Run: node --import tsx bench/rasters.ts [metadataRuns] [--endpoint-only]
// Needs gdal-bin (gdal_translate, gdalinfo; /usr/bin/time for GDAL's peak RSS); the raster is
// created under bench/.work/ once (604 MB, git-ignored).
// Last section: the same kind of windows through the HTTP data endpoint
// (GET /api/v4/rastersources/{uuid}/data/) of an app with the raster-source plugin, after the
// files went through the upload pipeline (in-memory PGlite, local disk storage).
// Notes: metadata is timed in-process (file open + parse, warm) while gdalinfo includes process
// start-up; statistics run in a child on the engine transpiled to JS, so peak RSS excludes tsx.
// Goals: metadata well under gdalinfo, statistics <= 1.5x gdalinfo -stats in < 150 MB RSS.
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import express from "express";
import { pino } from "pino";
import {
  LocalDiskStorage,
  createAssetRouter,
  createPipeline,
  defaultMigrationsDir,
  defineAbilityFor,
  issueApiKey,
  loadPrincipal,
  migrate,
  openDatabase,
} from "@assets/core";
import { rasterSourcePlugin } from "../plugins/raster-source/src/index.js";
import { BIG, BIG_SIZE, FIXTURES, WORK, ensureBigRaster, transpileEngine } from "./geotiff-setup.js";
import { epsgTransform } from "../packages/geotiff/src/crs.js";
import {
  type ByteRangeReader,
  fileRangeReader,
  readRasterMetadata,
  readWindow,
} from "../packages/geotiff/src/index.js";

const work = WORK;
const big = BIG;
const COG = path.join(FIXTURES, "utm31n_u2_cog.tif");

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;

function run(cmd: string, args: string[]): { ms: number; stderr: string; stdout: string } {
  const start = performance.now();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr || r.error}`);
  return { ms, stderr: r.stderr, stdout: r.stdout };
}

// Statistics run in a child process on the engine transpiled to plain JS (as deployed), so the
// peak RSS is the engine's and not tsx's loader thread.
const CHILD = `
import { readFileSync } from "node:fs";
import { fileRangeReader } from "./reader.js";
import { computeStatistics } from "./statistics.js";
const mem = (key) => Number(new RegExp(key + ":[^0-9]*([0-9]+)").exec(readFileSync("/proc/self/status", "utf8"))[1]) / 1024;
const baselineMiB = mem("VmRSS");
const reader = await fileRangeReader(process.argv[2]);
const start = performance.now();
const [band] = await computeStatistics(reader);
const ms = performance.now() - start;
await reader.close();
console.log(JSON.stringify({ ms, peakMiB: mem("VmHWM"), baselineMiB, band }));
`;

/** The engine as JS in bench/.work/geotiff-js/ with the statistics child script; returns the script. */
function buildChild(): string {
  const out = transpileEngine(path.join(work, "geotiff-js"));
  writeFileSync(path.join(out, "stats-child.js"), CHILD);
  return path.join(out, "stats-child.js");
}

/** `gdalinfo -stats` time and max RSS via /usr/bin/time -v (or just time without it). */
function gdalStats(): { ms: number; peakMiB: number } {
  rmSync(`${big}.aux.xml`, { force: true });
  const timed = existsSync("/usr/bin/time");
  const r = timed ? run("/usr/bin/time", ["-v", "gdalinfo", "-stats", big]) : run("gdalinfo", ["-stats", big]);
  rmSync(`${big}.aux.xml`, { force: true });
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { ms: r.ms, peakMiB: kb / 1024 };
}

async function metadataMs(runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const reader = await fileRangeReader(big); // a fresh reader: no cached directory
    await readRasterMetadata(reader);
    await reader.close();
    times.push(performance.now() - start);
  }
  return times;
}

/** Window latencies for random bboxes of `sizeM` metres inside `extent`, output `px` x `px`. */
async function windowLatency(reader: ByteRangeReader, extent: number[], sizeM: number, px: number, n: number) {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const [w, s, e, nn] = extent as [number, number, number, number];
  const times: number[] = [];
  let overview = 0;
  for (let i = 0; i < n; i++) {
    const x = w + random() * (e - w - sizeM);
    const y = s + random() * (nn - s - sizeM);
    const start = performance.now();
    overview = (await readWindow(reader, { bbox: [x, y, x + sizeM, y + sizeM], width: px, height: px })).overview;
    times.push(performance.now() - start);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), overview };
}

async function main(): Promise<void> {
  const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 20);
  ensureBigRaster();
  if (process.argv.includes("--endpoint-only")) return endpointLatency();
  console.log(`file: ${big} (${(BIG_SIZE / 1e6).toFixed(0)} MB, 12000x12000 Float32, 512x512 tiles, no overviews)\n`);

  await metadataMs(3); // warm-up (module loading, JIT)
  const ours = median(await metadataMs(runs));
  rmSync(`${big}.aux.xml`, { force: true });
  const gdalinfo = median(Array.from({ length: 5 }, () => run("gdalinfo", [big]).ms));
  console.log("metadata");
  console.log(`  readRasterMetadata      median of ${runs}: ${fmt(ours)}`);
  console.log(`  gdalinfo (whole process) median of 5:   ${fmt(gdalinfo)}\n`);

  console.log("statistics (each run in a fresh process; peak RSS = VmHWM / max resident set)");
  const child = buildChild();
  for (let i = 0; i < 3; i++) {
    const out = run(process.execPath, [child, big]);
    const r = JSON.parse(out.stdout.trim().split("\n").at(-1)!) as { ms: number; peakMiB: number; baselineMiB: number };
    const g = gdalStats();
    console.log(
      `  run ${i + 1}: computeStatistics ${fmt(r.ms)}, peak RSS ${r.peakMiB.toFixed(0)} MiB (process baseline ${r.baselineMiB.toFixed(0)} MiB)` +
        ` | gdalinfo -stats ${fmt(g.ms)} (whole process), peak RSS ${g.peakMiB.toFixed(0)} MiB`,
    );
  }

  console.log("\nwindow reads (random bbox, one shared reader: directory parsed once)");
  const reader = await fileRangeReader(big);
  const bigExtent = [93486, 428800, 99486, 434800];
  for (const [sizeM, px, n] of [[128, 256, 200], [512, 256, 100], [1000, 512, 50], [3000, 512, 10], [6000, 256, 5]] as const) {
    const r = await windowLatency(reader, bigExtent, sizeM, px, n);
    console.log(`  big  ${String(sizeM).padStart(5)} m -> ${px}px: p50 ${fmt(r.p50)}, p99 ${fmt(r.p99)} (level ${r.overview}, n=${n})`);
  }
  await reader.close();
  const cog = await fileRangeReader(COG);
  const cogExtent = [590000, 5749760, 600240, 5760000];
  for (const [sizeM, px, n] of [[1280, 256, 100], [5120, 256, 100], [10240, 256, 100], [10240, 1024, 20]] as const) {
    const r = await windowLatency(cog, cogExtent, sizeM - 1e-6, px, n);
    console.log(`  COG  ${String(sizeM).padStart(5)} m -> ${px}px: p50 ${fmt(r.p50)}, p99 ${fmt(r.p99)} (level ${r.overview}, n=${n})`);
  }
  await cog.close();

  await endpointLatency();
}

/** An app with the raster-source plugin whose sources hold the big file and the COG, served on a free port. */
async function endpointServer() {
  const log = pino({ level: "silent" });
  const db = await openDatabase({});
  const plugins = [rasterSourcePlugin({ statistics: false })];
  await migrate(db, defaultMigrationsDir, plugins);
  const root = mkdtempSync(path.join(work, "storage-"));
  // Statistics off: the endpoint needs only the metadata step, and statistics are measured above.
  const pipeline = createPipeline({ db, storage: new LocalDiskStorage({ root }), plugins, log });
  await pipeline.startWorker(2);
  const user = await db.prisma.user.create({ data: { username: "bench" } });
  const principal = (await loadPrincipal(db.prisma, { id: user.id }))!;
  const ctx = { db: db.prisma, principal, ability: defineAbilityFor(principal), log };
  const uuids: string[] = [];
  for (const file of [big, COG]) {
    const { upload } = await pipeline.ingest.ingest(ctx, { body: createReadStream(file), filename: path.basename(file), type: "raster_source" });
    let row = upload;
    while (row.state !== "committed" && row.state !== "rejected") {
      await new Promise((r) => setTimeout(r, 50));
      row = await db.prisma.upload.findUniqueOrThrow({ where: { id: upload.id } });
    }
    if (row.state !== "committed") throw new Error(`ingest of ${file} failed: ${row.state_detail}`);
    uuids.push((await db.prisma.resource.findUniqueOrThrow({ where: { id: row.resource_id! } })).uuid);
  }
  const app = express().use(createAssetRouter({ pipeline, logger: log }));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4/rastersources`;
  const key = (await issueApiKey(db.prisma, user.id)).secret;
  return {
    bigUrl: `${base}/${uuids[0]}/data/`,
    cogUrl: `${base}/${uuids[1]}/data/`,
    headers: { Authorization: `Bearer ${key}` },
    async close() {
      await new Promise((r) => server.close(r));
      await pipeline.close();
      await db.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

type Format = "octet-stream" | "json" | "png";

/** GET latencies (request to last byte) for random bboxes of `sizeM` metres inside `extent`. */
async function endpointWindows(
  url: string, headers: Record<string, string>, extent: number[], epsg: number, sizeM: number, px: number, n: number,
  options: { format?: Format; wgs84?: boolean } = {},
) {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const [w, s, e, nn] = extent as [number, number, number, number];
  const toWgs84 = epsgTransform(epsg, 4326)!;
  const format = options.format ?? "octet-stream";
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const x = w + random() * (e - w - sizeM);
    const y = s + random() * (nn - s - sizeM);
    let bbox = [x, y, x + sizeM, y + sizeM];
    if (options.wgs84) {
      const [a, b] = toWgs84([x, y]);
      const [c, d] = toWgs84([x + sizeM, y + sizeM]);
      bbox = [a, b, c, d];
    }
    const query = `bbox=${bbox.join(",")}&width=${px}&height=${px}&projection=EPSG:${options.wgs84 ? 4326 : epsg}${format === "png" ? "&format=png" : ""}`;
    const start = performance.now();
    const res = await fetch(`${url}?${query}`, { headers: { ...headers, Accept: format === "octet-stream" ? "application/octet-stream" : "application/json" } });
    const body = await res.arrayBuffer();
    times.push(performance.now() - start);
    if (res.status !== 200) throw new Error(`GET ${url}?${query}: ${res.status} ${new TextDecoder().decode(body)}`);
    bytes = body.byteLength;
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), bytes };
}

async function endpointLatency(): Promise<void> {
  console.log("\nwindow reads through GET /api/v4/rastersources/{uuid}/data/ (HTTP on localhost, API key, permission query, step lookup)");
  const started = performance.now();
  const server = await endpointServer();
  console.log(`  (ingest of both files through the upload pipeline, metadata step only: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  try {
    const bigExtent = [93486, 428800, 99486, 434800];
    const cogExtent = [590000, 5749760, 600240, 5760000];
    const cases: [string, string, number[], number, number, number, number, { format?: Format; wgs84?: boolean }][] = [
      ["big", server.bigUrl, bigExtent, 28992, 0.5, 1, 200, {}], // one pixel: the fixed cost of a request
      ["big", server.bigUrl, bigExtent, 28992, 128, 256, 200, {}],
      ["big", server.bigUrl, bigExtent, 28992, 512, 256, 100, {}],
      ["big", server.bigUrl, bigExtent, 28992, 512, 256, 100, { format: "json" }],
      ["big", server.bigUrl, bigExtent, 28992, 512, 256, 100, { format: "png" }],
      ["big", server.bigUrl, bigExtent, 28992, 512, 256, 100, { wgs84: true }],
      ["big", server.bigUrl, bigExtent, 28992, 1000, 512, 50, {}],
      ["big", server.bigUrl, bigExtent, 28992, 3000, 512, 10, {}],
      ["COG", server.cogUrl, cogExtent, 32631, 1280, 256, 100, {}],
      ["COG", server.cogUrl, cogExtent, 32631, 10240 - 1e-6, 256, 100, {}],
      ["COG", server.cogUrl, cogExtent, 32631, 10240 - 1e-6, 256, 100, { wgs84: true }],
    ];
    await endpointWindows(server.bigUrl, server.headers, bigExtent, 28992, 512, 256, 20); // warm-up
    for (const [name, url, extent, epsg, sizeM, px, n, options] of cases) {
      const r = await endpointWindows(url, server.headers, extent, epsg, sizeM, px, n, options);
      const label = `${options.format ?? "float32"}${options.wgs84 ? ", bbox in EPSG:4326" : ""}`;
      console.log(
        `  ${name.padEnd(4)} ${String(sizeM < 1 ? sizeM : Math.round(sizeM)).padStart(5)} m -> ${px}px ${label.padEnd(30)} p50 ${fmt(r.p50)}, p99 ${fmt(r.p99)} (${(r.bytes / 1024).toFixed(0)} KiB, n=${n})`,
      );
    }
  } finally {
    await server.close();
  }
}

await main();
