import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fromArrayBuffer } from "geotiff";
import { countingReader, prefetchingReader } from "../reader.js";
import { readRasterMetadata } from "../metadata.js";
import { FIXTURES, expectClose, truth, withFixture } from "./fixtures.js";

const georeferenced = truth.filter((f) => f.valid && f.projection);

/** Byte ranges of all strips/tiles of every image, found by geotiff.js (an independent parser). */
async function pixelDataRanges(file: string): Promise<[number, number][]> {
  const bytes = readFileSync(join(FIXTURES, file));
  const tiff = await fromArrayBuffer(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const ranges: [number, number][] = [];
  for (let i = 0; i < (await tiff.getImageCount()); i++) {
    const dir = (await tiff.getImage(i)).fileDirectory;
    const tiled = dir.hasTag("TileOffsets");
    const offsets = Array.from((await dir.loadValue(tiled ? "TileOffsets" : "StripOffsets")) as ArrayLike<number>);
    const counts = Array.from((await dir.loadValue(tiled ? "TileByteCounts" : "StripByteCounts")) as ArrayLike<number>);
    offsets.forEach((o, k) => ranges.push([Number(o), Number(o) + Number(counts[k])]));
  }
  return ranges;
}

describe("readRasterMetadata on the GDAL fixtures", () => {
  test.each(georeferenced.map((f) => [f.file, f] as const))("%s matches GDAL", async (file, t) => {
    const m = await withFixture(file, readRasterMetadata);
    expect(m.projection).toBe(t.projection);
    for (const key of ["origin_x", "origin_y", "upper_bound_x", "upper_bound_y", "pixelsize_x", "pixelsize_y"] as const) {
      expectClose(m[key], t[key]!, { rel: 1e-9 }, key);
    }
    for (const key of ["west", "east", "north", "south"] as const) {
      expectClose(m.spatial_bounds[key], t.spatial_bounds![key], { abs: 1e-6 }, `spatial_bounds.${key}`);
    }
    expect(m.dtype).toBe(t.dtype);
    expect(m.fill_value).toBe(t.fill_value);
    expect([m.width, m.height, m.band_count, m.size]).toEqual([t.width, t.height, t.band_count, t.size_bytes]);
    expect(m.overview_levels.map((o) => [o.width, o.height])).toEqual(t.gdal!.overviews);
    expect([m.block_width, m.block_height]).toEqual(t.gdal!.block_size);
  });

  test("layout facts: only the COG is tiled and cloud-optimized", async () => {
    const rd = await withFixture("rd_f4_nodata-9999.tif", readRasterMetadata);
    const cog = await withFixture("utm31n_u2_cog.tif", readRasterMetadata);
    const mask = await withFixture("wgs84_u1_mask.tif", readRasterMetadata);
    expect([rd.tiled, rd.cloud_optimized, rd.compression]).toEqual([false, false, null]);
    expect([cog.tiled, cog.cloud_optimized, cog.compression]).toEqual([true, true, "DEFLATE"]);
    expect([mask.tiled, mask.cloud_optimized, mask.compression]).toEqual([false, false, "PACKBITS"]);
  });

  test.each(georeferenced.map((f) => [f.file] as const))("%s: reads only header and directory bytes", async (file) => {
    const reads = await withFixture(file, async (reader) => {
      const counting = countingReader(reader);
      await readRasterMetadata(counting);
      return counting.reads;
    });
    const pixels = await pixelDataRanges(file);
    for (const r of reads) {
      const hit = pixels.find(([start, end]) => r.offset < end && start < r.offset + r.length);
      if (hit) throw new Error(`read ${r.offset}+${r.length} overlaps pixel data ${hit[0]}-${hit[1]}`);
    }
    expect(reads.reduce((s, r) => s + r.length, 0)).toBeLessThan(4096);
  });

  test("an uncompressed file: bytes read <= file size - pixel data size", async () => {
    const t = truth.find((f) => f.file === "rd_f4_nodata-9999.tif")!;
    const read = await withFixture(t.file, async (reader) => {
      const counting = countingReader(reader);
      await readRasterMetadata(counting);
      return counting.bytesRead();
    });
    expect(read).toBeLessThanOrEqual(t.size_bytes - t.data_size_bytes!);
  });

  test.each(georeferenced.map((f) => [f.file] as const))("%s: prefetchingReader needs a single read", async (file) => {
    const direct = await withFixture(file, readRasterMetadata);
    await withFixture(file, async (reader) => {
      const counting = countingReader(reader);
      expect(await readRasterMetadata(prefetchingReader(counting))).toEqual(direct);
      expect(counting.reads).toEqual([{ offset: 0, length: Math.min(16384, reader.size) }]);
    });
  });
});
