import { writeArrayBuffer } from "geotiff";
import { InvalidRasterError } from "../errors.js";
import { readRasterMetadata } from "../metadata.js";
import { computeStatistics } from "../statistics.js";
import { readWindow } from "../window.js";
import { bufferReader, withFixture } from "./fixtures.js";

async function reasonOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidRasterError);
    expect((e as InvalidRasterError).reason).toBe((e as Error).message);
    return (e as InvalidRasterError).reason;
  }
  throw new Error("expected an InvalidRasterError");
}

describe("invalid fixtures raise InvalidRasterError with a reason", () => {
  test("empty file", async () => {
    expect(await withFixture("empty.tif", (r) => reasonOf(readRasterMetadata(r)))).toMatch(/empty file/i);
  });

  test("HTML page saved as .tif", async () => {
    const reason = await withFixture("not_a_tiff.tif", (r) => reasonOf(readRasterMetadata(r)));
    expect(reason).toMatch(/not a TIFF/);
    expect(reason).toMatch(/<!DOCTYP/);
  });

  test("truncated file: metadata, statistics and window reads all refuse it", async () => {
    await withFixture("corrupt_truncated.tif", async (r) => {
      expect(await reasonOf(readRasterMetadata(r))).toMatch(/truncated.*strip 29.*240370 bytes/);
      expect(await reasonOf(computeStatistics(r))).toMatch(/truncated/);
      const bbox: [number, number, number, number] = [93486, 434650, 93686, 434800];
      expect(await reasonOf(readWindow(r, { bbox, width: 10, height: 10 }))).toMatch(/truncated/);
    });
  });

  test("TIFF without georeferencing", async () => {
    await withFixture("no_georef.tif", async (r) => {
      expect(await reasonOf(readRasterMetadata(r))).toMatch(/not georeferenced/);
      expect(await reasonOf(readWindow(r, { bbox: [0, 0, 1, 1], width: 1, height: 1 }))).toMatch(/not georeferenced/);
    });
  });
});

/** A tiny 3x2 Float32 GeoTIFF written by geotiff.js (big-endian, unlike GDAL's files). */
function tiny(md: Record<string, unknown>) {
  const bytes = writeArrayBuffer(new Float32Array([1, 2, 3, 4, 5, 6]), { width: 3, height: 2, ...md });
  return bufferReader(new Uint8Array(bytes));
}

describe("projection and geotransform edge cases (expected values checked with gdalinfo 3.6.2)", () => {
  test("user-defined projection: unsupported, no EPSG code", async () => {
    const r = tiny({ ModelPixelScale: [10, 10, 0], ModelTiepoint: [0, 0, 0, 1000, 2000, 0], ProjectedCSTypeGeoKey: 32767, GTModelTypeGeoKey: 1 });
    expect(await reasonOf(readRasterMetadata(r))).toMatch(/unsupported projection.*no EPSG code/);
  });

  test("EPSG code without a known definition: unsupported", async () => {
    const r = tiny({ ModelPixelScale: [10, 10, 0], ModelTiepoint: [0, 0, 0, 1000, 2000, 0], ProjectedCSTypeGeoKey: 3, GTModelTypeGeoKey: 1 });
    expect(await reasonOf(readRasterMetadata(r))).toMatch(/unsupported projection: EPSG:3 /);
  });

  test("PixelIsPoint + ModelTransformation: half-pixel shift like GDAL", async () => {
    const r = tiny({
      ModelTransformation: [10, 2, 0, 1000, 1, -10, 0, 2000, 0, 0, 0, 0, 0, 0, 0, 1],
      ProjectedCSTypeGeoKey: 28992, GTModelTypeGeoKey: 1, GTRasterTypeGeoKey: 2,
    });
    const m = await readRasterMetadata(r);
    expect(m.geo_transform).toEqual([994, 10, 2, 2004.5, 1, -10]);
    expect(m.pixel_is_point).toBe(true);
  });

  test("negative ScaleY is read as north-up (GDAL default)", async () => {
    const r = tiny({
      ModelPixelScale: [10, -10, 0], ModelTiepoint: [1, 1, 0, 1000, 2000, 0],
      ProjectedCSTypeGeoKey: 28992, GTModelTypeGeoKey: 1, GTRasterTypeGeoKey: 1,
    });
    expect((await readRasterMetadata(r)).geo_transform).toEqual([990, 10, 0, 2010, 0, -10]);
  });

  test("big-endian Float32 pixels decode correctly", async () => {
    const r = tiny({ ModelPixelScale: [10, 10, 0], ModelTiepoint: [0, 0, 0, 1000, 2000, 0], ProjectedCSTypeGeoKey: 28992, GTModelTypeGeoKey: 1 });
    const w = await readWindow(r, { bbox: [1000, 1980, 1030, 2000], width: 3, height: 2 });
    expect(Array.from(w.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await computeStatistics(r))[0]).toMatchObject({ min: 1, max: 6, mean: 3.5, valid_percent: 100 });
  });
});
