/**
 * Layouts the fixtures do not cover (byte order, predictors, codecs, interleaving, BigTIFF,
 * PixelIsPoint, nodata spellings, overviews), made with gdal_translate and compared with what
 * gdalinfo / gdallocationinfo report for the same file. Needs gdal-bin.
 */
import { mkdtempSync, readdirSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidRasterError } from "../errors.js";
import { fileRangeReader } from "../reader.js";
import { readRasterMetadata } from "../metadata.js";
import { computeStatistics } from "../statistics.js";
import { readWindow } from "../window.js";
import { FIXTURES, expectClose } from "./fixtures.js";
import { gdal, requireGdal } from "./gdal.js";

const RD = join(FIXTURES, "rd_f4_nodata-9999.tif");
const UTM = join(FIXTURES, "utm31n_u2_cog.tif");
const MASK = join(FIXTURES, "wgs84_u1_mask.tif");

interface Variant {
  name: string;
  source: string;
  args: string[];
  fill_value: string | null;
  dtype: string;
  cloud_optimized?: boolean;
  after?: (file: string) => void;
}

const variants: Variant[] = [
  { name: "big-endian strips", source: RD, args: ["-co", "ENDIANNESS=BIG"], fill_value: "-9999.0", dtype: "f4" },
  { name: "LZW + floating-point predictor, 128x64 tiles", source: RD, fill_value: "-9999.0", dtype: "f4",
    args: ["-co", "TILED=YES", "-co", "BLOCKXSIZE=128", "-co", "BLOCKYSIZE=64", "-co", "COMPRESS=LZW", "-co", "PREDICTOR=3"] },
  { name: "big-endian DEFLATE + horizontal predictor", source: UTM, fill_value: "0", dtype: "u2",
    args: ["-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2", "-co", "ENDIANNESS=BIG"] },
  { name: "PixelIsPoint", source: RD, args: ["-mo", "AREA_OR_POINT=Point"], fill_value: "-9999.0", dtype: "f4" },
  { name: "3 bands pixel-interleaved", source: RD, fill_value: "-9999.0", dtype: "f4",
    args: ["-ot", "Float32", "-b", "1", "-b", "mask", "-b", "1", "-co", "INTERLEAVE=PIXEL"] },
  { name: "3 bands band-interleaved tiles", source: RD, fill_value: "-9999.0", dtype: "f4",
    args: ["-ot", "Float32", "-b", "1", "-b", "mask", "-b", "1", "-co", "INTERLEAVE=BAND", "-co", "TILED=YES"] },
  { name: "BigTIFF + ZSTD", source: RD, args: ["-co", "BIGTIFF=YES", "-co", "TILED=YES", "-co", "COMPRESS=ZSTD"], fill_value: "-9999.0", dtype: "f4" },
  { name: "Int16 nodata -32768", source: RD, fill_value: "-32768", dtype: "i2",
    args: ["-ot", "Int16", "-scale", "-5", "4", "-32000", "32000", "-a_nodata", "-32768"] },
  { name: "nodata nan", source: RD, args: ["-a_nodata", "nan"], fill_value: "nan", dtype: "f4" },
  { name: "nodata FLT_MAX", source: RD, args: ["-a_nodata", "3.40282346638529e+38"], fill_value: "3.4028234663852886e+38", dtype: "f4" },
  { name: "4-bit samples", source: MASK, args: ["-co", "NBITS=4"], fill_value: "0", dtype: "u1" },
  { name: "LERC_DEFLATE", source: RD, args: ["-co", "COMPRESS=LERC_DEFLATE", "-co", "TILED=YES"], fill_value: "-9999.0", dtype: "f4" },
  { name: "Float64 DEFLATE + predictor 3", source: RD, fill_value: "-1e+300", dtype: "f8",
    args: ["-ot", "Float64", "-a_nodata", "-1e300", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3"] },
  { name: "sparse tiles (SPARSE_OK, nodata hole)", source: RD, fill_value: "-9999.0", dtype: "f4",
    args: ["-co", "TILED=YES", "-co", "BLOCKXSIZE=16", "-co", "BLOCKYSIZE=16", "-co", "SPARSE_OK=TRUE"] },
  { name: "COG driver", source: RD, args: ["-of", "COG"], fill_value: "-9999.0", dtype: "f4", cloud_optimized: true },
  { name: "gdaladdo overviews after the data (not a COG)", source: UTM, args: ["-co", "TILED=YES"], fill_value: "0", dtype: "u2",
    cloud_optimized: false, after: (f) => gdal("gdaladdo", ["-q", f, "2", "4"]) },
];

interface GdalBand {
  noDataValue?: number | string;
  overviews?: { size: [number, number] }[];
  metadata: { "": Record<string, string> };
}
interface GdalInfo {
  size: [number, number];
  geoTransform: number[];
  wgs84Extent: { coordinates: [number, number][][] };
  bands: GdalBand[];
}

let dir: string;
beforeAll(() => {
  requireGdal();
  dir = mkdtempSync(join(tmpdir(), "geotiff-parity-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function removeAux(): void {
  for (const f of readdirSync(dir)) if (f.endsWith(".aux.xml")) unlinkSync(join(dir, f));
}

describe("agrees with GDAL on files gdal_translate makes", () => {
  test.each(variants.map((v, i) => [v.name, v, i] as const))("%s", async (_name, v, i) => {
    const file = join(dir, `v${i}.tif`);
    gdal("gdal_translate", ["-q", ...v.args, v.source, file]);
    v.after?.(file);
    removeAux(); // band-selecting gdal_translate writes PAM files; judge the TIFF alone
    const info = JSON.parse(gdal("gdalinfo", ["-json", "-stats", file])) as GdalInfo;
    removeAux();

    const reader = await fileRangeReader(file);
    try {
      const m = await readRasterMetadata(reader);
      expect([m.width, m.height, m.band_count]).toEqual([...info.size, info.bands.length]);
      expect([m.dtype, m.fill_value]).toEqual([v.dtype, v.fill_value]);
      m.geo_transform.forEach((g, k) => expectClose(g, info.geoTransform[k]!, { rel: 1e-12 }, `geoTransform[${k}]`));
      const ring = info.wgs84Extent.coordinates[0]!;
      const lons = ring.map((p) => p[0]!), lats = ring.map((p) => p[1]!);
      // gdalinfo prints the extent with 7 decimals.
      expectClose(m.spatial_bounds.west, Math.min(...lons), { abs: 1e-6 }, "west");
      expectClose(m.spatial_bounds.east, Math.max(...lons), { abs: 1e-6 }, "east");
      expectClose(m.spatial_bounds.south, Math.min(...lats), { abs: 1e-6 }, "south");
      expectClose(m.spatial_bounds.north, Math.max(...lats), { abs: 1e-6 }, "north");
      expect(m.overview_levels).toEqual((info.bands[0]!.overviews ?? []).map((o) => ({ width: o.size[0], height: o.size[1] })));
      if (v.cloud_optimized !== undefined) expect(m.cloud_optimized).toBe(v.cloud_optimized);

      const stats = await computeStatistics(reader);
      info.bands.forEach((b, k) => {
        const g = b.metadata[""];
        for (const [key, name] of [["min", "MINIMUM"], ["max", "MAXIMUM"], ["mean", "MEAN"], ["stddev", "STDDEV"]] as const) {
          expectClose(stats[k]![key], Number(g[`STATISTICS_${name}`]), { rel: 1e-12 }, `band ${k + 1} ${key}`);
        }
        expectClose(stats[k]!.valid_percent, Number(g.STATISTICS_VALID_PERCENT), { abs: 0.005 }, `band ${k + 1} valid_percent`);
      });

      const [x0, dx, , y0, , dy] = m.geo_transform;
      // The rd fixture's nodata hole is centred on (300, 100).
      const points = [[0, 0], [m.width - 1, 0], [m.width >> 1, m.height >> 1], [(m.width * 3) >> 2, m.height >> 3], [m.width - 1, m.height - 1], [300, 100]]
        .filter(([col, row]) => col! < m.width && row! < m.height);
      for (const [col, row] of points) {
        for (let band = 1; band <= m.band_count; band++) {
          const expected = Number(gdal("gdallocationinfo", ["-valonly", "-b", String(band), file, String(col), String(row)]).trim());
          const bbox: [number, number, number, number] = [x0 + col * dx, y0 + (row + 1) * dy, x0 + (col + 1) * dx, y0 + row * dy];
          const w = await readWindow(reader, { bbox, width: 1, height: 1, band });
          if (Number.isNaN(expected)) expect(w.data[0]).toBeNaN();
          else expect([col, row, band, w.data[0]]).toEqual([col, row, band, Math.fround(expected)]);
        }
      }
    } finally {
      await reader.close();
    }
  });
});

test("JPEG-compressed YCbCr is read as RGB, within 2 of GDAL (lossy codec, other chroma upsampling)", async () => {
  const rgb = join(dir, "rgb.tif");
  const jpeg = join(dir, "jpeg.tif");
  gdal("gdal_translate", ["-q", "-ot", "Byte", "-b", "1", "-b", "1", "-b", "1", "-scale_1", "3000", "10000", "0", "255",
    "-scale_2", "3000", "10000", "255", "0", "-scale_3", "5000", "7000", "0", "255", "-co", "PHOTOMETRIC=RGB", UTM, rgb]);
  gdal("gdal_translate", ["-q", "-co", "COMPRESS=JPEG", "-co", "PHOTOMETRIC=YCBCR", "-co", "TILED=YES", rgb, jpeg]);
  const reader = await fileRangeReader(jpeg);
  try {
    const m = await readRasterMetadata(reader);
    expect([m.band_count, m.dtype, m.compression]).toEqual([3, "u1", "JPEG"]);
    const [x0, dx, , y0, , dy] = m.geo_transform;
    for (let k = 0; k < 12; k++) {
      const [col, row] = [(k * 397 + 13) % m.width, (k * 811 + 7) % m.height];
      const expected = gdal("gdallocationinfo", ["-valonly", jpeg, String(col), String(row)]).trim().split("\n").map(Number);
      for (let band = 1; band <= 3; band++) {
        const bbox: [number, number, number, number] = [x0 + col * dx, y0 + (row + 1) * dy, x0 + (col + 1) * dx, y0 + row * dy];
        const w = await readWindow(reader, { bbox, width: 1, height: 1, band });
        expect(Math.abs(w.data[0]! - expected[band - 1]!)).toBeLessThanOrEqual(2);
      }
    }
  } finally {
    await reader.close();
  }
});

test.each([
  ["complex samples", ["-ot", "CFloat32"], /unsupported TIFF data type: complex/],
  ["LZMA compression", ["-co", "COMPRESS=LZMA"], /unsupported TIFF compression: LZMA/],
])("GDAL-readable but unsupported: %s is refused up front", async (name, args, reason) => {
  const file = join(dir, `${name.replace(/\W/g, "_")}.tif`);
  gdal("gdal_translate", ["-q", ...args, MASK, file]);
  const reader = await fileRangeReader(file);
  try {
    await expect(readRasterMetadata(reader)).rejects.toThrow(reason);
    await expect(computeStatistics(reader)).rejects.toBeInstanceOf(InvalidRasterError);
  } finally {
    await reader.close();
  }
});
