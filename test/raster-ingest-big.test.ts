/**
 * The 604 MB raster of the fixtures README, made here with gdal_translate, ingested end to end
 * over HTTP (POST /uploads, both processors, commit) in bounded memory. Skipped, with a message,
 * only when GDAL's command-line tools are missing.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Express } from "express";
import request from "supertest";
import type { Database } from "@assets/core";
import { rasterSourcePlugin } from "@assets/raster-source";
import { FIXTURES, expectClose } from "../packages/geotiff/src/__tests__/fixtures.js";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { waitForUpload } from "./helpers/pipeline.js";

const TIMEOUT = 600_000;
const BIG_SIZE = 603_984_776;
/** The exact command of the fixtures README. */
const TRANSLATE_ARGS = [
  "-q", "-of", "GTiff", "-ot", "Float32", "-outsize", "12000", "12000", "-r", "nearest",
  "-a_ullr", "93486", "434800", "99486", "428800", "-co", "TILED=YES", "-co", "BLOCKXSIZE=512", "-co", "BLOCKYSIZE=512",
];

const hasGdal = spawnSync("gdal_translate", ["--version"]).status === 0;
if (!hasGdal) {
  process.stderr.write("raster-ingest-big: SKIPPED - gdal_translate is not installed (Debian/Ubuntu: apt-get install gdal-bin)\n");
}

(hasGdal ? describe : describe.skip)("the 604 MB GeoTIFF of the fixtures README through POST /uploads", () => {
  let db: Database;
  let app: Express;
  let auth: Record<string, string>;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "raster-big-"));
    file = join(dir, "big_rd_f4_12000.tif");
    execFileSync("gdal_translate", [...TRANSLATE_ARGS, join(FIXTURES, "rd_f4_nodata-9999.tif"), file]);
    ({ db, app } = await createTestApp({ plugins: [rasterSourcePlugin()] }));
    ({ auth } = await userWithKey(db, "uploader"));
  }, TIMEOUT);
  afterAll(async () => {
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("is committed with the README's metadata and gdalinfo's statistics, RSS growing far less than the file", async () => {
    expect(statSync(file).size).toBe(BIG_SIZE);
    const info = JSON.parse(execFileSync("gdalinfo", ["-json", "-stats", file], { encoding: "utf8", maxBuffer: 64 << 20 })) as {
      bands: { metadata: { "": Record<string, string> } }[];
    };
    rmSync(`${file}.aux.xml`, { force: true });
    const g = info.bands[0]!.metadata[""];

    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const poll = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const started = Date.now();
    let done;
    try {
      const res = await request(app).post("/uploads").set(auth).field("type", "raster_source").attach("file", file);
      expect(res.status).toBe(202);
      done = await waitForUpload(app, auth, res.body.data.id, TIMEOUT);
    } finally {
      clearInterval(poll);
    }
    const seconds = (Date.now() - started) / 1000;
    const growthMiB = (peak - baseline) / 2 ** 20;
    process.stdout.write(`big file: upload + processing + commit ${seconds.toFixed(1)} s, RSS growth ${growthMiB.toFixed(0)} MiB\n`);

    expect(done.attributes.state).toBe("committed");
    const source = await db.prisma.rasterSource.findUniqueOrThrow({ where: { resource_id: Number(done.relationships.resource.data.id) } });
    expect(source).toMatchObject({
      projection: "EPSG:28992", width: 12000, height: 12000, band_count: 1, dtype: "f4", fill_value: "-9999.0", size: BigInt(BIG_SIZE),
      origin_x: 93486, origin_y: 428800, upper_bound_x: 99486, upper_bound_y: 434800, pixelsize_x: 0.5, pixelsize_y: -0.5,
      cloud_optimized: false, overviews: [],
    });
    const [stats] = source.statistics as Record<string, number>[];
    for (const [key, name] of [["min", "MINIMUM"], ["max", "MAXIMUM"], ["mean", "MEAN"], ["stddev", "STDDEV"]] as const) {
      expectClose(stats![key], Number(g[`STATISTICS_${name}`]), { rel: 1e-9 }, key);
    }
    // The file is 576 MiB of pixels; streaming ingest and block-wise processing stay far below.
    expect(growthMiB).toBeLessThan(200);
  }, TIMEOUT);
});
