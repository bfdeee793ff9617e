import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileByteSource } from "../byte-source.js";
import { InvalidDatasetError, readZippedShapefile, summarizeLayer } from "../index.js";
import { polygonCollection, tempDir, writeJson } from "./fixtures.js";
import { expectClose, geoJsonTypeName, ogr2ogr, ogrFieldStats, ogrinfoSummary } from "./ogr.js";
import { withDeclaredSize, writeZeroBomb, writeZip } from "./zips.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const source = writeJson(tmp.file("parcels.geojson"), polygonCollection(301));

/** ogr2ogr writes a zipped shapefile itself when the name ends in .shp.zip. */
function zippedShapefile(name: string, srs: string): string {
  const out = tmp.file(`${name}.shp.zip`);
  ogr2ogr(["-f", "ESRI Shapefile", "-t_srs", srs, out, source, "-nln", name]);
  return out;
}

/** The parts of a shapefile as separate files, to rearrange into hostile archives. */
function parts(name: string, srs: string): Record<string, string> {
  const dir = tmp.file(`${name}-parts`);
  ogr2ogr(["-f", "ESRI Shapefile", "-t_srs", srs, dir, source, "-nln", name]);
  return Object.fromEntries(["shp", "shx", "dbf", "prj", "cpg"].map((ext) => [ext, path.join(dir, `${name}.${ext}`)]));
}

async function summarizeZip(file: string, limits?: Parameters<typeof readZippedShapefile>[1]) {
  return (await summarizeLayer(await readZippedShapefile(await fileByteSource(file), limits))).summary;
}

async function rejection(file: string, limits?: Parameters<typeof readZippedShapefile>[1]): Promise<InvalidDatasetError> {
  const error = await summarizeZip(file, limits).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidDatasetError);
  return error as InvalidDatasetError;
}

describe("zipped Shapefile reader, against ogrinfo", () => {
  it.each([
    ["EPSG:28992", 28992],
    ["EPSG:32631", 32631],
    ["EPSG:4326", 4326],
  ])("reads a %s shapefile: count, geometry type, extent, CRS from the ESRI .prj", async (srs, epsg) => {
    const zip = zippedShapefile(`parcels_${epsg}`, srs);
    const summary = await summarizeZip(zip);
    const truth = ogrinfoSummary(`/vsizip/${zip}`);
    expect(summary.format).toBe("shapefile");
    expect(summary.featureCount).toBe(truth.featureCount);
    expect(summary.geometryType).toBe(geoJsonTypeName(truth.geometry));
    expect(truth.epsg).toBe(epsg);
    expect(summary.crs?.epsg).toBe(epsg);
    truth.extent!.forEach((v, i) => expectClose(summary.bbox![i], v, 1e-6));
    // Back in WGS84 the extent holds the source polygons (all within 3.5..7.0 E, 50.8..53.4 N).
    const [w, s, e, n] = summary.wgs84Bbox!;
    expect([w <= 3.5, s <= 50.8, e >= 6.8, n >= 53.2]).toEqual([true, true, true, true]);
    expect([w > 3.2, s > 50.6, e < 7.3, n < 53.6]).toEqual([true, true, true, true]);
  });

  it("declares the .dbf's field types and computes the attribute statistics ogrinfo computes", async () => {
    const zip = zippedShapefile("parcels_stats", "EPSG:28992");
    const summary = await summarizeZip(zip);
    const truth = ogrinfoSummary(`/vsizip/${zip}`);
    expect(summary.attributes.map((a) => ({ name: a.attribute, type: a.type }))).toEqual(
      truth.fields.map((f) => ({ name: f.name, type: f.type.replace("Integer64", "Integer") })),
    );
    for (const attribute of summary.attributes) {
      const stats = ogrFieldStats(`/vsizip/${zip}`, "parcels_stats", attribute.attribute);
      expect(attribute.count).toBe(stats.count);
      expect(attribute.unique.values.length).toBe(stats.distinct);
      if (attribute.type === "String" || attribute.type === "Date") {
        // ogrinfo shows dates as YYYY/MM/DD.
        expect([attribute.min, attribute.max]).toEqual([stats.min, stats.max].map((v) => v.replace(/\//g, "-")));
        continue;
      }
      for (const [ours, theirs] of [
        [attribute.min, stats.min],
        [attribute.max, stats.max],
        [attribute.sum, stats.sum],
        [attribute.average, stats.avg],
        [attribute.stddev, stats.stddev],
        [attribute.median, stats.median],
      ] as const) expectClose(ours as number, Number(theirs));
    }
  });

  it("decodes the .dbf in the .cpg's encoding", async () => {
    const summary = await summarizeZip(zippedShapefile("parcels_utf8", "EPSG:4326"));
    const kinds = summary.attributes.find((a) => a.attribute === "kind")!.unique.values;
    expect(kinds).toEqual(expect.arrayContaining(["Zürich", "Ærø"]));
  });

  describe("rejects a corrupt or hostile archive with a coded reason", () => {
    const p = parts("broken", "EPSG:28992");

    it("a shapefile without its .dbf", async () => {
      const error = await rejection(writeZip(tmp.file("no-dbf.zip"), { "broken.shp": p.shp!, "broken.shx": p.shx!, "broken.prj": p.prj! }));
      expect(error.code).toBe("SHAPEFILE_MISSING_PART");
      expect(error.message).toMatch(/\.dbf/);
    });

    it("an archive without a .shp", async () => {
      expect((await rejection(writeZip(tmp.file("no-shp.zip"), { "broken.dbf": p.dbf! }))).code).toBe("SHAPEFILE_MISSING_PART");
    });

    it("a .shp cut short", async () => {
      const bytes = readFileSync(p.shp!);
      writeFileSync(tmp.file("cut.shp"), bytes);
      truncateSync(tmp.file("cut.shp"), bytes.length - 100);
      const error = await rejection(writeZip(tmp.file("cut.zip"), { "broken.shp": tmp.file("cut.shp"), "broken.shx": p.shx!, "broken.dbf": p.dbf! }));
      expect(error.code).toBe("SHAPEFILE_TRUNCATED");
      expect(error.message).toMatch(/cut short/);
    });

    it("a .dbf from another shapefile", async () => {
      const other = tmp.file("other.geojson");
      writeJson(other, polygonCollection(10));
      ogr2ogr(["-f", "ESRI Shapefile", tmp.file("other"), other, "-nln", "other"]);
      const error = await rejection(writeZip(tmp.file("mixed.zip"), { "broken.shp": p.shp!, "broken.shx": p.shx!, "broken.dbf": tmp.file("other/other.dbf") }));
      expect(error.code).toBe("SHAPEFILE_INCONSISTENT");
    });

    it("two shapefiles in one archive", async () => {
      const error = await rejection(writeZip(tmp.file("two.zip"), { "a.shp": p.shp!, "a.shx": p.shx!, "a.dbf": p.dbf!, "b.shp": p.shp!, "b.shx": p.shx!, "b.dbf": p.dbf! }));
      expect(error.code).toBe("SHAPEFILE_AMBIGUOUS");
    });

    it.each(["../broken.shp", "x/../../broken.shp", "/etc/broken.shp"])("an entry outside the archive (%s)", async (name) => {
      const error = await rejection(writeZip(tmp.file("escape.zip"), { [name]: p.shp!, "broken.shx": p.shx!, "broken.dbf": p.dbf! }));
      expect(error.code).toBe("ZIP_UNSAFE_PATH");
    });

    it("a zip bomb: an entry inflating a thousand times past 64 MiB", async () => {
      const bomb = writeZeroBomb(tmp.file("bomb.zip"), "broken.dbf", 100 * 1024 * 1024);
      expect(readFileSync(bomb).length).toBeLessThan(1024 * 1024);
      const error = await rejection(bomb);
      expect(error.code).toBe("ZIP_TOO_LARGE");
      expect(error.message).toMatch(/zip bomb/);
    });

    it("an archive inflating past the budget", async () => {
      const zip = writeZip(tmp.file("budget.zip"), { "broken.shp": p.shp!, "broken.shx": p.shx!, "broken.dbf": p.dbf! });
      expect((await rejection(zip, { maxInflatedBytes: 10_000 })).code).toBe("ZIP_TOO_LARGE");
    });

    it("an entry whose inflated bytes differ from its declared size", async () => {
      const zip = writeZip(tmp.file("sizes.zip"), { "broken.shp": p.shp!, "broken.shx": p.shx!, "broken.dbf": p.dbf! });
      const forged = tmp.file("forged.zip");
      writeFileSync(forged, withDeclaredSize(zip, "broken.dbf", 2_000));
      const error = await rejection(forged);
      expect(["ZIP_SIZE_MISMATCH", "SHAPEFILE_TRUNCATED"]).toContain(error.code);
    });

    it("a file that is not a zip", async () => {
      expect((await rejection(p.shp!)).code).toBe("NOT_ZIP");
    });
  });
});
