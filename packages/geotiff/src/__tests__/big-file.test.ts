/**
 * The 604 MB raster of the fixtures README, made with gdal_translate (gdal-bin required):
 * metadata from a few KB of reads, statistics with bounded memory, equal to gdalinfo -stats.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countingReader, fileRangeReader } from "../reader.js";
import { readRasterMetadata } from "../metadata.js";
import { computeStatistics } from "../statistics.js";
import { readWindow } from "../window.js";
import { FIXTURES, expectClose } from "./fixtures.js";
import { gdal, requireGdal } from "./gdal.js";

const TIMEOUT = 600_000;

/** The exact command of the fixtures README. */
const TRANSLATE_ARGS = [
  "-q", "-of", "GTiff", "-ot", "Float32", "-outsize", "12000", "12000", "-r", "nearest",
  "-a_ullr", "93486", "434800", "99486", "428800", "-co", "TILED=YES", "-co", "BLOCKXSIZE=512", "-co", "BLOCKYSIZE=512",
];

let dir: string;
let file: string;
beforeAll(() => {
  requireGdal();
  dir = mkdtempSync(join(tmpdir(), "geotiff-big-"));
  file = join(dir, "big_rd_f4_12000.tif");
  gdal("gdal_translate", [...TRANSLATE_ARGS, join(FIXTURES, "rd_f4_nodata-9999.tif"), file]);
}, TIMEOUT);
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

test("metadata equals the README's numbers and reads only a few KB", async () => {
  const inner = await fileRangeReader(file);
  const reader = countingReader(inner);
  const m = await readRasterMetadata(reader).finally(() => inner.close());
  expect(m).toMatchObject({
    projection: "EPSG:28992", width: 12000, height: 12000, band_count: 1, size: 603_984_776, dtype: "f4",
    fill_value: "-9999.0", origin_x: 93486, origin_y: 428800, upper_bound_x: 99486, upper_bound_y: 434800,
    pixelsize_x: 0.5, pixelsize_y: -0.5, tiled: true, block_width: 512, block_height: 512, overview_levels: [],
  });
  process.stdout.write(`big file: metadata read ${reader.bytesRead()} bytes in ${reader.reads.length} reads\n`);
  expect(reader.bytesRead()).toBeLessThan(64 * 1024);
}, TIMEOUT);

test("statistics equal gdalinfo -stats with bounded memory", async () => {
  const aux = `${file}.aux.xml`;
  rmSync(aux, { force: true });
  const started = Date.now();
  const info = JSON.parse(gdal("gdalinfo", ["-json", "-stats", file])) as { bands: { metadata: { "": Record<string, string> } }[] };
  const gdalMs = Date.now() - started;
  rmSync(aux, { force: true });
  const g = info.bands[0]!.metadata[""];

  const reader = await fileRangeReader(file);
  global.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const poll = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = Date.now();
  let stats;
  try {
    stats = await computeStatistics(reader, { onProgress: () => (peak = Math.max(peak, process.memoryUsage().rss)) });
  } finally {
    clearInterval(poll);
    await reader.close();
  }
  const ms = Date.now() - t0;
  const growth = (peak - baseline) / 2 ** 20;
  process.stdout.write(`big file: statistics ${ms} ms (gdalinfo -stats ${gdalMs} ms), RSS growth ${growth.toFixed(1)} MiB\n`);
  expect(existsSync(aux)).toBe(false);

  const s = stats[0]!;
  for (const [key, name] of [["min", "MINIMUM"], ["max", "MAXIMUM"], ["mean", "MEAN"], ["stddev", "STDDEV"]] as const) {
    expectClose(s[key], Number(g[`STATISTICS_${name}`]), { rel: 1e-12 }, key);
  }
  expectClose(s.valid_percent, Number(g.STATISTICS_VALID_PERCENT), { abs: 0.005 }, "valid_percent");
  // The whole band is 576 MB; block-by-block processing stays far below that.
  expect(growth).toBeLessThan(200);
}, TIMEOUT);

test("a window read touches only the tiles it needs", async () => {
  const inner = await fileRangeReader(file);
  const reader = countingReader(inner);
  await readRasterMetadata(reader);
  reader.reads.length = 0;
  const bbox: [number, number, number, number] = [93486 + 200, 434800 - 600, 93486 + 800, 434800 - 200];
  const w = await readWindow(reader, { bbox, width: 300, height: 200 }).finally(() => inner.close());
  expect(w.overview).toBe(0);
  // Columns 400-1600 and rows 400-1200: tile columns 0-3 x tile rows 0-2.
  expect(reader.reads.length).toBe(12);
  expect(reader.bytesRead()).toBe(12 * 512 * 512 * 4);
}, TIMEOUT);
