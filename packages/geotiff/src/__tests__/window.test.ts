import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fromArrayBuffer } from "geotiff";
import sharp from "sharp";
import { readRasterMetadata } from "../metadata.js";
import { countingReader } from "../reader.js";
import { renderPng } from "../render.js";
import { readWindow } from "../window.js";
import { FIXTURES, truth, truthOf, withFixture } from "./fixtures.js";

const georeferenced = truth.filter((f) => f.valid && f.projection);
const COG = "utm31n_u2_cog.tif";
const COG_BBOX: [number, number, number, number] = [590000, 5749760, 600240, 5760000];

/** Decodes image `index` of a fixture with geotiff.js, as an independent reference. */
async function geotiffJsPixels(file: string, index: number): Promise<ArrayLike<number>> {
  const bytes = readFileSync(join(FIXTURES, file));
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const [band] = await (await tiff.getImage(index)).readRasters();
  return band as ArrayLike<number>;
}

/** Number of differing elements (jest's deep equality is far too slow for millions). */
function mismatches(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) n++;
  return n;
}

describe("readWindow", () => {
  test.each(georeferenced.map((f) => [f.file, f] as const))("%s: single-pixel windows equal gdallocationinfo", async (file, t) => {
    await withFixture(file, async (reader) => {
      const [x0, dx, , y0, , dy] = [t.origin_x!, t.pixelsize_x!, 0, t.upper_bound_y!, 0, t.pixelsize_y!]; // upper-left corner
      for (const { col, row, values } of t.gdal!.samples) {
        const bbox: [number, number, number, number] = [x0 + col * dx, y0 + (row + 1) * dy, x0 + (col + 1) * dx, y0 + row * dy];
        const w = await readWindow(reader, { bbox, width: 1, height: 1 });
        expect([w.overview, w.data[0]]).toEqual([0, Math.fround(values[0]!)]);
      }
    });
  });

  test("a nodata sample reads as the window's nodata value", async () => {
    const t = truthOf("rd_f4_nodata-9999.tif");
    await withFixture(t.file, async (reader) => {
      // The circular hole is centred on pixel (col 300, row 100).
      const w = await readWindow(reader, { bbox: [93636, 434749.5, 93636.5, 434750], width: 1, height: 1 });
      expect(w.nodata).toBe(-9999);
      expect(w.data[0]).toBe(w.nodata);
    });
  });

  test("full-resolution COG window equals geotiff.js' decode (DEFLATE + predictor 2)", async () => {
    const expected = await geotiffJsPixels(COG, 0);
    const w = await withFixture(COG, (r) => readWindow(r, { bbox: COG_BBOX, width: 2048, height: 2048 }));
    expect(w.overview).toBe(0);
    expect(w.data.length).toBe(expected.length);
    expect(mismatches(w.data, expected)).toBe(0);
  });

  test.each([
    [256, 3],
    [300, 2],
    [512, 2],
    [1024, 1],
    [1500, 0],
  ])("COG at %ipx picks overview %i (coarsest level at least as fine)", async (size, level) => {
    await withFixture(COG, async (r) => {
      const w = await readWindow(r, { bbox: COG_BBOX, width: size, height: size });
      expect(w.overview).toBe(level);
    });
  });

  test("an overview window reads only that overview's tiles and equals geotiff.js' decode", async () => {
    const expected = await geotiffJsPixels(COG, 3);
    await withFixture(COG, async (reader) => {
      const counting = countingReader(reader);
      await readRasterMetadata(counting); // directory parsed and cached for this reader
      counting.reads.length = 0;
      const w = await readWindow(counting, { bbox: COG_BBOX, width: 256, height: 256 });
      expect(mismatches(w.data, expected)).toBe(0);
      expect(counting.reads).toHaveLength(1); // the single 256x256 tile of the smallest overview
      expect(counting.bytesRead()).toBeLessThan(200_000);
    });
  });

  test("pixels outside the raster are nodata", async () => {
    const w = await withFixture(COG, (r) => readWindow(r, { bbox: [600000, 5749760, 600480, 5749820], width: 8, height: 1 }));
    // 600240 is the east edge: the first 4 of 8 columns (60 m each) are inside.
    expect(Array.from(w.data.slice(4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(w.data.slice(0, 4)).every((v) => v > 0)).toBe(true);
  });

  test("rejects a bad request", async () => {
    await withFixture(COG, async (r) => {
      await expect(readWindow(r, { bbox: COG_BBOX, width: 0, height: 10 })).rejects.toThrow(RangeError);
      await expect(readWindow(r, { bbox: [1, 1, 0, 0], width: 1, height: 1 })).rejects.toThrow(RangeError);
      await expect(readWindow(r, { bbox: COG_BBOX, width: 1, height: 1, band: 2 })).rejects.toThrow(/band 2/);
    });
  });
});

describe("renderPng", () => {
  test.each(["viridis", "gray"] as const)("%s: RGBA PNG with transparent nodata", async (colormap) => {
    const w = await withFixture("rd_f4_nodata-9999.tif", (r) =>
      readWindow(r, { bbox: [93486, 434650, 93686, 434800], width: 400, height: 300 }),
    );
    const png = await renderPng(w, { colormap });
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([400, 300, 4]);
    const centre = (100 * 400 + 300) * 4; // inside the nodata hole
    expect(data[centre + 3]).toBe(0);
    expect(data[3]).toBe(255); // pixel (0, 0) is valid
    const transparent = Array.from(w.data).filter((v) => v === w.nodata).length;
    expect(data.filter((_, i) => i % 4 === 3 && data[i] === 0).length).toBe(transparent);
  });
});
