// @assets/geotiff (packages/geotiff) beside geotiff.js's own API on the 604 MB raster of the
// fixtures README: time and peak RSS of metadata, statistics and window reads, each case in a
// fresh child process (plain JS, no tsx), each result checked against GDAL.
// Run: node --import tsx bench/geotiff-engine.ts [runs=3] [case ...]
// Cases: metadata, statistics, window-small, window-large, downsample, overview.
// Needs gdal-bin (gdal_translate, gdaladdo, gdalinfo). The rasters are made once under
// bench/.work/ (604 MB, and an 806 MB copy with internal overviews for the overview case).
//
// geotiff.js is used as its README shows: fromFile, getImage, readRasters({ window, width,
// height, resampleMethod: "nearest" }), GeoTIFF.readRasters({ bbox, width, height }) to pick an
// overview. It has no statistics of its own (getGDALMetadata only returns STATISTICS_* items
// GDAL wrote into the file; this one has none), so its statistics are readRasters plus the same
// per-block moments in plain JS: once per 512 x 512 tile window (4 in flight), and once over
// the whole image read in one call.
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { BIG, BIG_OVR, WORK, ensureBigRaster, ensureBigRasterWithOverviews, transpileEngine } from "./geotiff-setup.js";

/** A pixel window [x0, y0, x1, y1) of the 12000 x 12000 image read onto width x height. */
interface WindowSpec {
  win: [number, number, number, number];
  width: number;
  height: number;
}

interface Case {
  name: string;
  what: string;
  file: string;
  window?: WindowSpec;
  impls: string[];
}

const CASES: Case[] = [
  { name: "metadata", what: "header + IFDs (median of 20 opens)", file: BIG, impls: ["ours", "geotiff.js"] },
  { name: "statistics", what: "min/max/mean/stddev, 144 Mpx", file: BIG, impls: ["ours", "geotiff.js tiles", "geotiff.js whole"] },
  { name: "window-small", what: "300x300 px -> 300x300", file: BIG, window: { win: [5100, 6100, 5400, 6400], width: 300, height: 300 }, impls: ["ours", "geotiff.js"] },
  { name: "window-large", what: "4096x4096 px -> 4096x4096", file: BIG, window: { win: [2000, 2000, 6096, 6096], width: 4096, height: 4096 }, impls: ["ours", "geotiff.js"] },
  { name: "downsample", what: "whole image -> 512x512, no overviews", file: BIG, window: { win: [0, 0, 12000, 12000], width: 512, height: 512 }, impls: ["ours", "geotiff.js"] },
  { name: "overview", what: "whole image -> 512x512, overviews 2-16", file: BIG_OVR, window: { win: [0, 0, 12000, 12000], width: 512, height: 512 }, impls: ["ours", "geotiff.js"] },
];

// The child: one implementation, one case, one process. Prints its time, the process's RSS
// before the work and its high-water mark (VmHWM) after it; writes a window's pixels to `out`.
const CHILD = String.raw`
import { readFileSync, writeFileSync } from "node:fs";
import * as ours from "./index.js";
import * as geotiff from "geotiff";

const mem = (key) => Number(new RegExp(key + ":[^0-9]*([0-9]+)").exec(readFileSync("/proc/self/status", "utf8"))[1]) / 1024;
const [impl, name, file, out, specJson] = process.argv.slice(2);
const spec = JSON.parse(specJson);

/** Per-block moments (two passes over the block) merged with Chan et al.'s formula. */
function moments() {
  let n = 0, mean = 0, m2 = 0, min = Infinity, max = -Infinity;
  return {
    add(data, nodata) {
      const nd = nodata ?? NaN;
      let k = 0, s = 0;
      for (let i = 0; i < data.length; i++) { const v = data[i]; if (v === v && v !== nd) { k++; s += v; } }
      if (k === 0) return;
      const bm = s / k;
      let bm2 = 0, bmin = Infinity, bmax = -Infinity;
      for (let i = 0; i < data.length; i++) {
        const v = data[i];
        if (v !== v || v === nd) continue;
        const d = v - bm; bm2 += d * d;
        if (v < bmin) bmin = v;
        if (v > bmax) bmax = v;
      }
      const total = n + k, delta = bm - mean;
      mean += (delta * k) / total;
      m2 += bm2 + (delta * delta * n * k) / total;
      n = total;
      if (bmin < min) min = bmin;
      if (bmax > max) max = bmax;
    },
    result: () => ({ min, max, mean, stddev: Math.sqrt(m2 / n), valid_count: n }),
  };
}

const run = {
  async "ours:metadata"() {
    const times = [];
    let m;
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const reader = await ours.fileRangeReader(file);
      m = await ours.readRasterMetadata(reader);
      await reader.close();
      times.push(performance.now() - t);
    }
    return { times, summary: { width: m.width, height: m.height, projection: m.projection, nodata: Number(m.fill_value),
      bbox: [m.origin_x, m.origin_y, m.upper_bound_x, m.upper_bound_y], levels: 1 + m.overview_levels.length } };
  },
  async "geotiff.js:metadata"() {
    const times = [];
    let s;
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      const tiff = await geotiff.fromFile(file);
      const image = await tiff.getImage();
      const levels = await tiff.getImageCount();
      const keys = image.getGeoKeys() ?? {};
      s = { width: image.getWidth(), height: image.getHeight(), projection: "EPSG:" + (keys.ProjectedCSTypeGeoKey ?? keys.GeographicTypeGeoKey),
        nodata: image.getGDALNoData(), bbox: image.getBoundingBox(), levels };
      await tiff.close();
      times.push(performance.now() - t);
    }
    return { times, summary: s };
  },
  async "ours:statistics"() {
    const reader = await ours.fileRangeReader(file);
    const [band] = await ours.computeStatistics(reader);
    await reader.close();
    return { summary: band };
  },
  async "geotiff.js tiles:statistics"() {
    const tiff = await geotiff.fromFile(file);
    const image = await tiff.getImage();
    const nodata = image.getGDALNoData();
    const [tw, th] = [image.getTileWidth(), image.getTileHeight()];
    const [w, h] = [image.getWidth(), image.getHeight()];
    const across = Math.ceil(w / tw), total = across * Math.ceil(h / th);
    const read = (i) => {
      const x = (i % across) * tw, y = Math.floor(i / across) * th;
      return image.readRasters({ window: [x, y, Math.min(w, x + tw), Math.min(h, y + th)], samples: [0] });
    };
    const acc = moments();
    const inFlight = [];
    let next = 0;
    for (; next < 4; next++) inFlight.push(read(next));
    for (let i = 0; i < total; i++) {
      const [data] = await inFlight.shift();
      if (next < total) inFlight.push(read(next++));
      acc.add(data, nodata);
    }
    await tiff.close();
    return { summary: acc.result() };
  },
  async "geotiff.js whole:statistics"() {
    const tiff = await geotiff.fromFile(file);
    const image = await tiff.getImage();
    const [data] = await image.readRasters({ samples: [0] });
    const acc = moments();
    acc.add(data, image.getGDALNoData());
    await tiff.close();
    return { summary: acc.result() };
  },
  async "ours:window"() {
    const reader = await ours.fileRangeReader(file);
    const w = await ours.readWindow(reader, { bbox: spec.bbox, width: spec.width, height: spec.height });
    await reader.close();
    return { data: w.data, summary: { level: w.overview } };
  },
  async "geotiff.js:window"() {
    const tiff = await geotiff.fromFile(file);
    const image = await tiff.getImage();
    let data;
    if (name === "overview") {
      // GeoTIFF.readRasters picks the coarsest image still finer than the requested resolution.
      [data] = await tiff.readRasters({ bbox: spec.bbox, width: spec.width, height: spec.height, samples: [0], resampleMethod: "nearest" });
    } else {
      [data] = await image.readRasters({ window: spec.win, width: spec.width, height: spec.height, samples: [0], resampleMethod: "nearest" });
    }
    await tiff.close();
    return { data, summary: {} };
  },
};

const key = impl + ":" + (spec.win ? "window" : name);
const baselineMiB = mem("VmRSS");
const start = performance.now();
const r = await run[key]();
const ms = performance.now() - start;
const peakMiB = mem("VmHWM");
if (r.data) writeFileSync(out, new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength));
console.log(JSON.stringify({ ms: r.times ? [...r.times].sort((a, b) => a - b)[10] : ms, firstMs: r.times?.[0], peakMiB, baselineMiB, summary: r.summary }));
`;

interface ChildResult {
  ms: number;
  firstMs?: number;
  peakMiB: number;
  baselineMiB: number;
  summary: Record<string, unknown>;
}

const loadavg = () => os.loadavg().map((l) => l.toFixed(1)).join(" ");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmtMs = (ms: number) => (ms < 10 ? `${ms.toFixed(2)} ms` : ms < 10_000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(1)} s`);

function sh(cmd: string, args: string[]): { stdout: string; ms: number } {
  const start = performance.now();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr || r.error}`);
  return { stdout: r.stdout, ms: performance.now() - start };
}

/** The file's geotransform, by gdalinfo. */
function geoTransform(file: string): number[] {
  return (JSON.parse(sh("gdalinfo", ["-json", file]).stdout) as { geoTransform: number[] }).geoTransform;
}

function runChild(child: string, impl: string, c: Case, out: string): ChildResult {
  let spec = {};
  if (c.window) {
    // The window's pixel edges as [west, south, east, north] for the bbox-based APIs.
    const gt = geoTransform(c.file);
    const [x0, y0, x1, y1] = c.window.win;
    spec = { ...c.window, bbox: [gt[0]! + x0 * gt[1]!, gt[3]! + y1 * gt[5]!, gt[0]! + x1 * gt[1]!, gt[3]! + y0 * gt[5]!] };
  }
  const { stdout } = sh(process.execPath, [child, impl, c.name, c.file, out, JSON.stringify(spec)]);
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as ChildResult;
}

/** GDAL's answer for each case: gdalinfo -json (-stats), or the window by gdal_translate -r nearest. */
function truthOf(c: Case, dir: string): { ms: number; value: unknown } {
  if (c.name === "metadata" || c.name === "statistics") {
    rmSync(`${c.file}.aux.xml`, { force: true });
    const r = sh("gdalinfo", ["-json", ...(c.name === "statistics" ? ["-stats"] : []), c.file]);
    rmSync(`${c.file}.aux.xml`, { force: true });
    return { ms: r.ms, value: JSON.parse(r.stdout) };
  }
  const { win, width, height } = c.window!;
  const out = path.join(dir, `${c.name}.gdal.bin`);
  const r = sh("gdal_translate", ["-q", "-of", "ENVI", "-r", "nearest", "-srcwin", String(win[0]), String(win[1]), String(win[2] - win[0]), String(win[3] - win[1]),
    "-outsize", String(width), String(height), c.file, out]);
  return { ms: r.ms, value: new Float32Array(readFileSync(out).buffer.slice(0)) };
}

interface GdalInfo {
  size: [number, number];
  coordinateSystem: { wkt: string };
  cornerCoordinates: { lowerLeft: [number, number]; upperRight: [number, number] };
  bands: { noDataValue: number; overviews?: unknown[]; metadata: { "": Record<string, string> } }[];
}

/** A one-line verdict of `r` against GDAL's truth. */
function check(c: Case, r: ChildResult, truth: unknown, out: string): string {
  const rel = (a: unknown, b: number) => Math.abs(Number(a) - b) / Math.max(1, Math.abs(b));
  if (c.name === "metadata") {
    const g = truth as GdalInfo;
    const s = r.summary as { width: number; height: number; nodata: number; bbox: number[]; levels: number; projection: string };
    const bbox = [...g.cornerCoordinates.lowerLeft, ...g.cornerCoordinates.upperRight];
    const epsg = /ID\["EPSG",(\d+)\]\]$/.exec(g.coordinateSystem.wkt)?.[1];
    const bad = [
      s.width !== g.size[0] && "width", s.height !== g.size[1] && "height", s.nodata !== g.bands[0]!.noDataValue && "nodata",
      bbox.some((v, i) => Math.abs(v - s.bbox[i]!) > 1e-6) && "bbox", s.levels !== 1 + (g.bands[0]!.overviews?.length ?? 0) && "levels",
      s.projection !== `EPSG:${epsg}` && "projection",
    ].filter(Boolean);
    return bad.length ? `differs: ${bad.join(", ")}` : "= gdalinfo";
  }
  if (c.name === "statistics") {
    const g = (truth as GdalInfo).bands[0]!.metadata[""];
    const errs = (["min", "max", "mean", "stddev"] as const).map((k) => rel(r.summary[k], Number(g[`STATISTICS_${{ min: "MINIMUM", max: "MAXIMUM", mean: "MEAN", stddev: "STDDEV" }[k]}`])));
    const worst = Math.max(...errs);
    return worst <= 1e-12 ? "= gdalinfo -stats (rel 1e-12)" : `max rel. error ${worst.toExponential(1)} vs gdalinfo -stats`;
  }
  const expected = truth as Float32Array;
  const got = new Float32Array(readFileSync(out).buffer.slice(0));
  if (got.length !== expected.length) return `size ${got.length} != ${expected.length}`;
  let differ = 0;
  for (let i = 0; i < got.length; i++) if (got[i] !== expected[i] && !(got[i] !== got[i] && expected[i] !== expected[i])) differ++;
  return differ === 0 ? "= gdal_translate -r nearest" : `${((100 * differ) / got.length).toFixed(1)}% of pixels differ from gdal_translate -r nearest`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runs = Number(args.find((a) => /^\d+$/.test(a)) ?? 3);
  const only = args.filter((a) => !/^\d+$/.test(a));
  const cases = CASES.filter((c) => only.length === 0 || only.includes(c.name));
  ensureBigRaster();
  if (cases.some((c) => c.file === BIG_OVR)) ensureBigRasterWithOverviews();
  const dir = transpileEngine(path.join(WORK, "geotiff-engine-js"));
  const child = path.join(dir, "bench-child.js");
  writeFileSync(child, CHILD);

  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; load average at start ${loadavg()}`);
  console.log(`each cell: median of ${runs} child processes (alternating implementations); peak = VmHWM of the child, base = its RSS before the work\n`);
  const rows: string[][] = [["case", "implementation", "time", "peak RSS", "base RSS", "check", "load"]];
  for (const c of cases) {
    const truth = truthOf(c, dir);
    const results = new Map<string, ChildResult[]>(c.impls.map((i) => [i, []]));
    for (let k = 0; k < runs; k++) {
      for (const impl of k % 2 ? [...c.impls].reverse() : c.impls) results.get(impl)!.push(runChild(child, impl, c, path.join(dir, `${c.name}.${impl.replace(/\W+/g, "-")}.bin`)));
    }
    const load = loadavg().split(" ")[0]!;
    for (const impl of c.impls) {
      const rs = results.get(impl)!;
      const verdict = check(c, rs.at(-1)!, truth.value, path.join(dir, `${c.name}.${impl.replace(/\W+/g, "-")}.bin`));
      const level = rs.at(-1)!.summary.level;
      rows.push([
        `${c.name} (${c.what})`, impl + (typeof level === "number" && level > 0 ? ` (overview ${level})` : ""),
        fmtMs(median(rs.map((r) => r.ms))) + (c.name === "metadata" ? ` (first ${fmtMs(median(rs.map((r) => r.firstMs!)))})` : ""),
        `${median(rs.map((r) => r.peakMiB)).toFixed(0)} MiB`, `${median(rs.map((r) => r.baselineMiB)).toFixed(0)} MiB`, verdict, load,
      ]);
      console.log(rows.at(-1)!.join(" | "));
    }
    rows.push([`${c.name}`, c.name === "metadata" ? "gdalinfo (process)" : c.name === "statistics" ? "gdalinfo -stats (process)" : "gdal_translate (process)", fmtMs(truth.ms), "", "", "truth", ""]);
  }
  console.log(`\nload average at end ${loadavg()}\n`);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const [n, row] of rows.entries()) {
    console.log(`| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`);
    if (n === 0) console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  }
}

await main();
