import { writeArrayBuffer } from "geotiff";
import { computeStatistics } from "../statistics.js";
import { bufferReader, expectClose, truth, withFixture } from "./fixtures.js";

// Every valid fixture, including the one without georeferencing: statistics do not need it.
const valid = truth.filter((f) => f.valid);

describe("computeStatistics equals gdalinfo -stats", () => {
  test.each(valid.map((f) => [f.file, f] as const))("%s", async (file, t) => {
    const progress: [number, number][] = [];
    const stats = await withFixture(file, (r) => computeStatistics(r, { onProgress: (d, n) => progress.push([d, n]) }));
    expect(stats).toHaveLength(t.band_count!);
    t.gdal!.stats.forEach((g, i) => {
      const s = stats[i]!;
      expect(s.band).toBe(g.band);
      // GDAL prints about 14 significant digits.
      for (const key of ["min", "max", "mean", "stddev"] as const) expectClose(s[key], g[key], { rel: 1e-12 }, `band ${g.band} ${key}`);
      // STATISTICS_VALID_PERCENT is printed with 4 significant digits.
      expectClose(s.valid_percent, g.valid_percent, { abs: 0.005 }, `band ${g.band} valid_percent`);
    });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)![0]).toBe(progress.at(-1)![1]);
  });

  test("results do not depend on read-ahead concurrency", async () => {
    const file = "rd_f4_nodata-9999.tif";
    const one = await withFixture(file, (r) => computeStatistics(r, { concurrency: 1 }));
    const many = await withFixture(file, (r) => computeStatistics(r, { concurrency: 16 }));
    expect(many).toEqual(one);
  });
});

describe("computeStatistics edge cases", () => {
  const raster = (values: number[], width: number, nodata?: string) =>
    bufferReader(new Uint8Array(writeArrayBuffer(new Float32Array(values), {
      width, height: values.length / width, ...(nodata === undefined ? {} : { GDAL_NODATA: nodata }),
    })));

  test("a block whose first row is all nodata", async () => {
    const [s] = await computeStatistics(raster([-9999, -9999, -9999, -9999, 1, 2, 3, 4, 5, 6, 7, 8], 4, "-9999"));
    expect(s).toMatchObject({ min: 1, max: 8, mean: 4.5, valid_count: 8 });
    expectClose(s!.stddev, Math.sqrt(5.25), { rel: 1e-15 }, "stddev");
    expectClose(s!.valid_percent, (100 * 8) / 12, { rel: 1e-15 }, "valid_percent");
  });

  test("NaN pixels are not valid, and a band without valid pixels has null statistics", async () => {
    const [s] = await computeStatistics(raster([NaN, 2, NaN, 4], 2));
    expect(s).toMatchObject({ min: 2, max: 4, mean: 3, stddev: 1, valid_percent: 50 });
    const [none] = await computeStatistics(raster([-1, -1], 2, "-1"));
    expect(none).toMatchObject({ min: null, max: null, mean: null, stddev: null, valid_percent: 0, valid_count: 0 });
  });

  test("an outlier as first value of a large block stays exact (cancellation fallback)", async () => {
    const values = [1e6, ...Array.from({ length: 4095 }, (_, i) => i % 2)];
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const stddev = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    const [s] = await computeStatistics(raster(values, 64));
    expectClose(s!.mean, mean, { rel: 1e-14 }, "mean");
    expectClose(s!.stddev, stddev, { rel: 1e-14 }, "stddev");
  });
});
