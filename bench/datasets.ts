// Vector dataset ingest (plugins/dataset): a generated GeoJSON FeatureCollection of `geojsonMB` MB and a
// zipped Shapefile of `points` points, each summarised in one pass (count, bbox, CRS, attribute statistics,
// thumbnail sample) in a child process, beside `ogrinfo -ro -so -al` (a summary: for a Shapefile it reads
// only the headers) and `ogrinfo -ro -al -q` (every feature read and printed, to /dev/null) on the same file.
// Prints wall and CPU (user+sys) seconds, features/s by each, and the child's peak RSS growth (VmHWM minus
// its RSS before reading). On a loaded machine the CPU times are the fairer comparison.
// Run: node --import tsx bench/datasets.ts [geojsonMB=1000] [points=2000000]   (needs gdal-bin; files kept in bench/.work/datasets)
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, existsSync, readFileSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const work = path.resolve("bench/.work/datasets");

function vmKiB(field: "VmRSS" | "VmHWM"): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync("/proc/self/status", "utf8"))![1]);
}

/** Child mode: summarise one file, print JSON. */
async function child(file: string): Promise<void> {
  const { fileByteSource, openLayer, summarizeLayer } = await import("../plugins/dataset/src/index.js");
  const { createReadStream } = await import("node:fs");
  const { open } = await import("node:fs/promises");
  const source = await fileByteSource(file);
  const handle = await open(file);
  const stored = {
    ...source,
    open: async () => createReadStream(file, { highWaterMark: 1 << 20 }),
    read: async (offset: number, length: number) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    },
  };
  const baseline = vmKiB("VmRSS");
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const { layer } = await openLayer(stored, path.basename(file));
  const { summary } = await summarizeLayer(layer);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  console.log(JSON.stringify({ features: summary.featureCount, seconds, cpuSeconds, baselineMiB: baseline / 1024, peakMiB: vmKiB("VmHWM") / 1024 }));
}

async function writeGeoJson(file: string, megabytes: number): Promise<void> {
  if (existsSync(file) && statSync(file).size >= megabytes * 1e6) return;
  const out = createWriteStream(file);
  out.write('{"type":"FeatureCollection","features":[\n');
  let written = 0;
  for (let i = 0; written < megabytes * 1e6; i += 1) {
    const x = 3.5 + ((i * 7919) % 35000) / 10000;
    const y = 50.8 + ((i * 104729) % 26000) / 10000;
    const d = 0.001;
    const line = `${i ? ",\n" : ""}{"type":"Feature","properties":{"id":${i},"name":"feature ${i % 5000}","value":${((i * 31) % 10007) / 7},"kind":"${["a", "b", "c"][i % 3]}"},"geometry":{"type":"Polygon","coordinates":[[[${x},${y}],[${x + d},${y}],[${x + d},${y + d}],[${x},${y + d}],[${x},${y}]]]}}`;
    written += line.length;
    if (!out.write(line)) await once(out, "drain");
  }
  out.end("\n]}\n");
  await once(out, "finish");
}

async function writeShapefile(file: string, points: number): Promise<void> {
  if (existsSync(file)) return;
  const csv = path.join(work, `points-${points}.csv`);
  const out = createWriteStream(csv);
  out.write("lon,lat,id,value,name\n");
  for (let i = 0; i < points; i += 1) {
    if (!out.write(`${3.5 + ((i * 7919) % 35000) / 10000},${50.8 + ((i * 104729) % 26000) / 10000},${i},${((i * 31) % 10007) / 7},p${i % 1000}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  const run = spawnSync("ogr2ogr", ["-f", "ESRI Shapefile", "-a_srs", "EPSG:4326", "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat", "-oo", "AUTODETECT_TYPE=YES", "-oo", "KEEP_GEOM_COLUMNS=NO", file, csv, "-nln", "points"], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
}

function ours(file: string) {
  const self = fileURLToPath(import.meta.url);
  const run = spawnSync(process.execPath, ["--import", "tsx", self, "--child", file], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { features: number; seconds: number; cpuSeconds: number; baselineMiB: number; peakMiB: number };
}

/** ogrinfo with `args` before the file, its output to /dev/null: wall and CPU seconds, peak RSS (GNU time). */
function ogrinfo(file: string, args: string[]) {
  const started = process.hrtime.bigint();
  const out = path.join(work, "ogrinfo.out");
  const run = spawnSync("sh", ["-c", `/usr/bin/time -f "%M %U %S" ogrinfo -ro ${args.join(" ")} "$0" > "$1"`, file, args.includes("-so") ? out : "/dev/null"], { encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(run.stderr);
  const [kib, user, sys] = run.stderr.trim().split("\n").at(-1)!.split(" ").map(Number);
  const features = args.includes("-so") ? Number(/^Feature Count: (\d+)$/m.exec(readFileSync(out, "utf8"))![1]) : NaN;
  return { features, seconds, cpuSeconds: user! + sys!, peakMiB: kib! / 1024 };
}

async function main(): Promise<void> {
  const geojsonMB = Number(process.argv[2] ?? 1000);
  const points = Number(process.argv[3] ?? 2_000_000);
  await mkdir(work, { recursive: true });
  const geojson = path.join(work, `polygons-${geojsonMB}MB.geojson`);
  const shapefile = path.join(work, `points-${points}.shp.zip`);
  await writeGeoJson(geojson, geojsonMB);
  await writeShapefile(shapefile, points);
  const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString("en")}/s`;
  const cell = (n: number, r: { seconds: number; cpuSeconds: number }) => `${r.seconds.toFixed(1)} s (CPU ${r.cpuSeconds.toFixed(1)} s), ${rate(n, r.seconds)} (CPU: ${rate(n, r.cpuSeconds)})`;
  console.log("| file | size | features | ours: wall (CPU), features/s, peak RSS growth | ogrinfo -so -al | ogrinfo -al -q (every feature) |");
  console.log("|---|---:|---:|---|---|---|");
  for (const file of [geojson, shapefile]) {
    const a = ours(file);
    const name = path.extname(file) === ".zip" ? `/vsizip/${file}` : file;
    const b = ogrinfo(name, ["-so", "-al"]);
    const c = ogrinfo(name, ["-al", "-q"]);
    if (a.features !== b.features) throw new Error(`feature counts differ: ${a.features} vs ${b.features}`);
    const mb = (statSync(file).size / 1e6).toFixed(0);
    console.log(
      `| ${path.basename(file)} | ${mb} MB | ${a.features.toLocaleString("en")} | ${cell(a.features, a)}, ${(a.peakMiB - a.baselineMiB).toFixed(0)} MiB (baseline ${a.baselineMiB.toFixed(0)}) ` +
        `| ${cell(b.features, b)}, ${b.peakMiB.toFixed(0)} MiB | ${cell(b.features, c)}, ${c.peakMiB.toFixed(0)} MiB |`,
    );
  }
}

if (process.argv[2] === "--child") await child(process.argv[3]!);
else await main();
