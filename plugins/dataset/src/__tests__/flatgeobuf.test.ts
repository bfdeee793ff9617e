import { createReadStream, readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { InvalidDatasetError, readFlatGeobuf, summarizeLayer } from "../index.js";
import { polygonCollection, tempDir, writeJson } from "./fixtures.js";
import { expectClose, geoJsonTypeName, ogr2ogr, ogrFieldStats, ogrinfoSummary } from "./ogr.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const source = writeJson(tmp.file("parcels.geojson"), polygonCollection(233));

async function summarize(file: string) {
  return (await summarizeLayer(readFlatGeobuf(createReadStream(file, { highWaterMark: 2048 })))).summary;
}

describe("FlatGeobuf reader, against ogrinfo", () => {
  it.each([
    ["EPSG:28992", 28992, []],
    ["EPSG:4326", 4326, ["-lco", "SPATIAL_INDEX=NO"]],
  ])("reads a %s file: count, geometry type, extent, CRS, field types and statistics", async (srs, epsg, options) => {
    const file = tmp.file(`parcels_${epsg}.fgb`);
    ogr2ogr(["-f", "FlatGeobuf", "-t_srs", srs, ...options, file, source, "-nln", `parcels_${epsg}`]);
    const summary = await summarize(file);
    const truth = ogrinfoSummary(file);
    expect(summary.format).toBe("flatgeobuf");
    expect(summary.featureCount).toBe(truth.featureCount);
    expect(summary.geometryType).toBe(geoJsonTypeName(truth.geometry));
    expect(summary.crs?.epsg).toBe(truth.epsg);
    expect(truth.epsg).toBe(epsg);
    truth.extent!.forEach((v, i) => expectClose(summary.bbox![i], v, 1e-6));
    expect(summary.attributes.map((a) => ({ name: a.attribute, type: a.type }))).toEqual(truth.fields);
    for (const attribute of summary.attributes) {
      const stats = ogrFieldStats(file, `parcels_${epsg}`, attribute.attribute);
      expect(attribute.count).toBe(stats.count);
      expect(attribute.unique.values.length).toBe(stats.distinct);
      if (attribute.type === "String") expect([attribute.min, attribute.max]).toEqual([stats.min, stats.max]);
      if (["String", "Date", "DateTime"].includes(attribute.type)) continue;
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

  it.each([
    ["a file that is not FlatGeobuf", () => Buffer.from("this is not a flatgeobuf file at all, just some text")],
    ["a FlatGeobuf cut short", () => {
      const file = tmp.file("cut.fgb");
      ogr2ogr(["-f", "FlatGeobuf", file, source]);
      const bytes = readFileSync(file);
      return bytes.subarray(0, bytes.length - 500);
    }],
  ])("rejects %s with a coded reason", async (_name, bytes) => {
    const error = await summarizeLayer(readFlatGeobuf(Readable.from([bytes()]))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidDatasetError);
    expect(["FLATGEOBUF_INVALID", "FEATURE_COUNT_MISMATCH"]).toContain((error as InvalidDatasetError).code);
  });
});
