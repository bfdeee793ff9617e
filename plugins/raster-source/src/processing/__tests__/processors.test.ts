/**
 * The processors over every shared fixture, read through a real LocalDiskStorage, compared with
 * GDAL's truth.json (never with what the code returned before).
 */
import { UnrecoverableError } from "@assets/core";
import type { RasterMetadata } from "@assets/geotiff";
import { rasterProcessors } from "../processors.js";
import { METADATA_STEP, type RasterStatisticsResult, STATISTICS_STEP } from "../results.js";
import { HOSTILE_TIFFS } from "../../../../../packages/geotiff/src/__tests__/hostile-tiffs.js";
import { type TruthFile, expectClose, runProcessors, storeFile, storeFixture, tempStorage, truth, uploadRow } from "./harness.js";

const { storage, dispose } = tempStorage();
afterAll(dispose);

async function ingest(file: string, options: { statistics?: boolean } = {}) {
  const { file: stored, reads } = await storeFixture(storage, file);
  const run = await runProcessors(rasterProcessors(options), { upload: uploadRow({ filename: file }), file: stored, storage });
  return { ...run, reads };
}

async function rejection(file: string): Promise<string> {
  const error = await ingest(file).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UnrecoverableError);
  return (error as Error).message;
}

/** Every metadata field of truth.json: exact doubles to 1e-9 relative, bounds to 1e-6 degrees. */
function expectMatchesTruth(m: RasterMetadata, t: TruthFile): void {
  expect(m.projection).toBe(t.projection);
  expect(m.dtype).toBe(t.dtype);
  expect(m.fill_value).toBe(t.fill_value);
  expect([m.width, m.height, m.band_count, m.size]).toEqual([t.width, t.height, t.band_count, t.size_bytes]);
  for (const key of ["origin_x", "origin_y", "upper_bound_x", "upper_bound_y", "pixelsize_x", "pixelsize_y"] as const) {
    expectClose(m[key], t[key]!, { rel: 1e-9 }, key);
  }
  for (const side of ["west", "east", "north", "south"] as const) {
    expectClose(m.spatial_bounds[side], t.spatial_bounds![side], { abs: 1e-6 }, `spatial_bounds.${side}`);
  }
  expect(m.overview_levels.map((o) => [o.width, o.height])).toEqual(t.gdal!.overviews);
}

const georeferenced = truth.filter((t) => t.valid && t.projection);
const notGeoreferenced = truth.filter((t) => t.valid && !t.projection);
const invalid = truth.filter((t) => !t.valid);

describe("metadata step on every valid fixture equals GDAL", () => {
  test.each(georeferenced.map((t) => [t.file, t] as const))("%s", async (file, t) => {
    const { results, reads } = await ingest(file, { statistics: false });
    expectMatchesTruth(results[METADATA_STEP] as RasterMetadata, t);
    // Header and directories only: one prefetched head of at most 16 KiB.
    expect(reads.bytes).toBeLessThanOrEqual(Math.min(16 * 1024, t.size_bytes));
  });
});

describe("statistics step equals gdalinfo -stats", () => {
  test.each(georeferenced.map((t) => [t.file, t] as const))("%s", async (file, t) => {
    const { results, progress } = await ingest(file);
    const { bands } = results[STATISTICS_STEP] as RasterStatisticsResult;
    expect(bands).toHaveLength(t.gdal!.stats.length);
    t.gdal!.stats.forEach((g, i) => {
      // truth.json's statistics carry about 14 significant digits.
      for (const key of ["min", "max", "mean", "stddev"] as const) expectClose(bands[i]![key], g[key], { rel: 1e-9 }, `${key}`);
      expectClose(bands[i]!.valid_percent, g.valid_percent, { abs: 0.005 }, "valid_percent");
    });
    expect(progress[STATISTICS_STEP]!.at(-1)).toBe(100);
  });
});

describe("files that cannot be raster sources are rejected with a reason", () => {
  test.each(notGeoreferenced.map((t) => [t.file] as const))("%s (no georeferencing)", async (file) => {
    expect(await rejection(file)).toMatch(/^The TIFF is not georeferenced/);
  });

  test.each(invalid.map((t) => [t.file, t.description] as const))("%s: %s", async (file) => {
    const reason = await rejection(file);
    expect(reason.length).toBeGreaterThan(10);
    expect(reason).toMatch(/^[A-Z]/);
  });

  test("a file beyond the budget of the plugin's options is refused from its header", async () => {
    const { file, reads } = await storeFixture(storage, "utm31n_u2_cog.tif");
    const error = await runProcessors(rasterProcessors({ budget: { maxPixels: 1000 } }), { upload: uploadRow(), file, storage }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe("The full-resolution image declares 2048 x 2048 pixels x 1 band (4,194,304 values), more than the 1,000 this server processes per raster");
    expect(reads.bytes).toBeLessThanOrEqual(16 * 1024); // the prefetched head only: no pixel was read
  });

  test("a RangeError (a size no array can hold) rejects the file instead of counting as transient", async () => {
    const { file } = await storeFixture(storage, "utm31n_u2_cog.tif");
    const impossible = { ...file, read: async () => Promise.reject(new RangeError("Invalid typed array length: 18446744065119617025")) };
    const error = await runProcessors(rasterProcessors(), { upload: uploadRow(), file: impossible, storage }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe("The file declares sizes that cannot be processed: Invalid typed array length: 18446744065119617025");
  });

  test("never-written tiles are counted without being decoded: 65536 x 65536 sparse tiles within a raised budget", async () => {
    const { file } = await storeFile(storage, HOSTILE_TIFFS.sparseGiant(), "objects/hostile/sparse-giant");
    const { results } = await runProcessors(rasterProcessors({ budget: { maxPixels: 2 ** 32 } }), { upload: uploadRow(), file, storage });
    // GDAL reads never-written blocks as 0 (no nodata here): one value, 2^32 times.
    expect((results[STATISTICS_STEP] as RasterStatisticsResult).bands).toEqual([
      { band: 1, min: 0, max: 0, mean: 0, stddev: 0, valid_percent: 100, valid_count: 2 ** 32 },
    ]);
  });

  test("the reasons name the problem", async () => {
    expect(await rejection("empty.tif")).toMatch(/^Empty file \(0 bytes\)/);
    expect(await rejection("not_a_tiff.tif")).toMatch(/^Not a TIFF file/);
    expect(await rejection("corrupt_truncated.tif")).toMatch(/^Truncated or corrupt file: strip \d+ .* ends beyond the end of the file \(240370 bytes\)/);
  });
});

describe("pipeline shape", () => {
  test("statistics is a second step that can be turned off", () => {
    expect(rasterProcessors().map((p) => p.name)).toEqual([METADATA_STEP, STATISTICS_STEP]);
    expect(rasterProcessors({ statistics: false }).map((p) => p.name)).toEqual([METADATA_STEP]);
  });

  test("an aborted run stops with the abort, not as a rejected file", async () => {
    const { file } = await storeFixture(storage, "utm31n_u2_cog.tif");
    const controller = new AbortController();
    controller.abort();
    const error = await runProcessors(rasterProcessors(), { upload: uploadRow(), file, storage, signal: controller.signal }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect((error as Error).name).toBe("AbortError");
  });

  test("a malformed timestamp rejects the upload", async () => {
    const { file } = await storeFixture(storage, "rd_f4_nodata-9999.tif");
    const upload = uploadRow({ metadata: { timestamp: "yesterday" } });
    const error = await runProcessors(rasterProcessors(), { upload, file, storage }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toMatch(/timestamp "yesterday"/);
  });
});
