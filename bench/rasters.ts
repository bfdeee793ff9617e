// GeoTIFF engine (plugins/raster-source/src/geotiff) against GDAL on the 604 MB raster of the
// fixtures README: metadata time, statistics time + peak RSS, window-read latency.
// Run: node --import tsx bench/rasters.ts [metadataRuns]
// Needs gdal-bin (gdal_translate, gdalinfo; /usr/bin/time for GDAL's peak RSS); the raster is
// created under bench/.work/ once (604 MB, git-ignored).
// Notes: metadata is timed in-process (file open + parse, warm) while gdalinfo includes process
// start-up; statistics run in a child on the engine transpiled to JS, so peak RSS excludes tsx.
// Goals: metadata well under gdalinfo, statistics <= 1.5x gdalinfo -stats in < 150 MB RSS.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import {
  type ByteRangeReader,
  fileRangeReader,
  readRasterMetadata,
  readWindow,
} from "../plugins/raster-source/src/geotiff/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, "../../shared/fixtures/rasters");
const work = path.join(here, ".work");
const big = path.join(work, "big_rd_f4_12000.tif");
const BIG_SIZE = 603_984_776;
const COG = path.join(fixtures, "utm31n_u2_cog.tif");

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

function ensureBigFile(): void {
  if (existsSync(big) && statSync(big).size === BIG_SIZE) return;
  mkdirSync(work, { recursive: true });
  console.log(`creating ${big} with gdal_translate ...`);
  run("gdal_translate", [
    "-q", "-of", "GTiff", "-ot", "Float32", "-outsize", "12000", "12000", "-r", "nearest",
    "-a_ullr", "93486", "434800", "99486", "428800", "-co", "TILED=YES", "-co", "BLOCKXSIZE=512", "-co", "BLOCKYSIZE=512",
    path.join(fixtures, "rd_f4_nodata-9999.tif"), big,
  ]);
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

/** Transpiles the engine's sources into bench/.work/geotiff-js/ and returns the child script. */
function buildChild(): string {
  const src = path.resolve(here, "../plugins/raster-source/src/geotiff");
  const out = path.join(work, "geotiff-js");
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(src).filter((f) => f.endsWith(".ts"))) {
    const { outputText } = ts.transpileModule(readFileSync(path.join(src, f), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(path.join(out, f.replace(/\.ts$/, ".js")), outputText);
  }
  writeFileSync(path.join(out, "package.json"), '{ "type": "module" }\n');
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
  const runs = Number(process.argv[2] ?? 20);
  ensureBigFile();
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
}

await main();
