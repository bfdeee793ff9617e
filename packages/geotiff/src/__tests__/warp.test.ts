/**
 * Windows requested in another CRS, compared pixel by pixel with `gdalwarp -r near -et 0`
 * (exact transformation) on the same output grid. Needs gdal-bin.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileRangeReader } from "../reader.js";
import { readWindow } from "../window.js";
import { FIXTURES, truthOf, withFixture } from "./fixtures.js";
import { gdal, requireGdal } from "./gdal.js";

let dir: string;
beforeAll(() => {
  requireGdal();
  dir = mkdtempSync(join(tmpdir(), "geotiff-warp-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** gdalwarp's output for the grid, read back at its own grid (an identity window). */
async function gdalwarp(file: string, epsg: number, bbox: [number, number, number, number], width: number, height: number): Promise<Float32Array> {
  const out = join(dir, `${file}-${epsg}-${width}.tif`);
  gdal("gdalwarp", [
    "-q", "-overwrite", "-r", "near", "-et", "0", "-t_srs", `EPSG:${epsg}`, "-te", ...bbox.map(String), "-ts", String(width), String(height),
    "-ot", "Float32", "-dstnodata", "-9999", join(FIXTURES, file), out,
  ]);
  const reader = await fileRangeReader(out);
  try {
    return (await readWindow(reader, { bbox, width, height })).data;
  } finally {
    await reader.close();
  }
}

const cases = [
  // [fixture, target EPSG, bbox in the target CRS, width, height]
  ["rd_f4_nodata-9999.tif", 4326, [4.4936, 51.8971, 4.4962, 51.8982], 240, 160],
  ["utm31n_u2_cog.tif", 4326, [4.32, 51.90, 4.45, 51.975], 300, 200],
  ["utm31n_u2_cog.tif", 3857, [482000, 6780000, 494000, 6792000], 64, 64],
  ["wgs84_u1_mask.tif", 28992, [91000, 436500, 93500, 438500], 125, 100],
] as const;

describe("readWindow with a projection equals gdalwarp -r near", () => {
  test.each(cases.map((c) => [`${c[0]} -> EPSG:${c[1]} ${c[3]}x${c[4]}`, c] as const))("%s", async (_name, [file, epsg, bbox, width, height]) => {
    const expected = await gdalwarp(file, epsg, [...bbox], width, height);
    const nodata = Number(truthOf(file).fill_value);
    const w = await withFixture(file, (r) => readWindow(r, { bbox: [...bbox], width, height, projection: `EPSG:${epsg}` }));
    let differ = 0, valid = 0;
    for (let i = 0; i < expected.length; i++) {
      // gdalwarp writes its own -dstnodata outside the source and where the source is nodata.
      const e = expected[i] === -9999 ? nodata : expected[i]!;
      const a = w.data[i]!;
      if (a !== nodata) valid++;
      if (a !== Math.fround(e)) differ++;
    }
    expect(valid).toBeGreaterThan(expected.length / 4);
    // Nearest neighbour may flip where a pixel centre lands within ~1/8 pixel of a source
    // pixel edge (measured: 0-12 pixels of these windows).
    expect(differ / expected.length).toBeLessThan(0.002);
  });

  test("an unknown projection is refused", async () => {
    await withFixture("rd_f4_nodata-9999.tif", async (r) => {
      await expect(readWindow(r, { bbox: [0, 0, 1, 1], width: 1, height: 1, projection: "EPSG:3" })).rejects.toThrow(RangeError);
      await expect(readWindow(r, { bbox: [0, 0, 1, 1], width: 1, height: 1, projection: "WGS84" })).rejects.toThrow(/EPSG:<code>/);
    });
  });

  test("the requested projection equal to the raster's is the plain affine read", async () => {
    const t = truthOf("rd_f4_nodata-9999.tif");
    const bbox: [number, number, number, number] = [t.origin_x!, t.origin_y!, t.upper_bound_x!, t.upper_bound_y!];
    await withFixture(t.file, async (r) => {
      const plain = await readWindow(r, { bbox, width: 100, height: 75 });
      const same = await readWindow(r, { bbox, width: 100, height: 75, projection: "epsg:28992" });
      expect(same.data).toEqual(plain.data);
    });
  });
});
