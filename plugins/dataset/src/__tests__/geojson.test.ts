import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { InvalidDatasetError, readGeoJson, summarizeLayer } from "../index.js";
import { expectClose, geoJsonTypeName, ogr2ogr, ogrFieldStats, ogrinfoSummary } from "./ogr.js";
import { polygonCollection, tempDir, writeJson } from "./fixtures.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function summarize(file: string) {
  return (await summarizeLayer(readGeoJson(createReadStream(file, { highWaterMark: 4096 })))).summary;
}

async function rejection(text: string): Promise<InvalidDatasetError> {
  const error = await summarizeLayer(readGeoJson(Readable.from([Buffer.from(text)]))).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidDatasetError);
  return error as InvalidDatasetError;
}

describe("GeoJSON reader and one-pass summary, against ogrinfo", () => {
  const file = writeJson(tmp.file("parcels.geojson"), polygonCollection(257));

  it("reports the feature count, geometry type, extent and CRS ogrinfo reports", async () => {
    const summary = await summarize(file);
    const truth = ogrinfoSummary(file);
    expect(summary.format).toBe("geojson");
    expect(summary.featureCount).toBe(truth.featureCount);
    expect(summary.geometryType).toBe(geoJsonTypeName(truth.geometry));
    expect(summary.crs?.epsg).toBe(truth.epsg);
    truth.extent!.forEach((v, i) => expectClose(summary.bbox![i], v, 1e-6));
    expect(summary.wgs84Bbox).toEqual(summary.bbox);
  });

  it("infers the attribute types ogrinfo infers and computes its statistics", async () => {
    const summary = await summarize(file);
    const truth = ogrinfoSummary(file);
    expect(summary.attributes.map((a) => ({ name: a.attribute, type: a.type }))).toEqual(truth.fields);
    for (const attribute of summary.attributes) {
      const stats = ogrFieldStats(file, "parcels", attribute.attribute);
      expect(attribute.count).toBe(stats.count);
      expect(attribute.nulls).toBe(257 - stats.count);
      expect(attribute.unique.values.length).toBe(stats.distinct);
      expect(attribute.unique.complete).toBe(true);
      if (attribute.type === "String" || attribute.type === "Date") {
        expect([attribute.min, attribute.max]).toEqual([stats.min, stats.max]);
        expect(attribute.sum).toBeNull();
        continue;
      }
      expectClose(attribute.min as number, Number(stats.min));
      expectClose(attribute.max as number, Number(stats.max));
      expectClose(attribute.sum, Number(stats.sum));
      expectClose(attribute.average, Number(stats.avg));
      expectClose(attribute.stddev, Number(stats.stddev));
      expectClose(attribute.median, Number(stats.median));
      expect(attribute.medianExact).toBe(true);
    }
  });

  it("reads the legacy crs member and transforms the extent to WGS84", async () => {
    const rd = tmp.file("parcels-rd.geojson");
    ogr2ogr(["-f", "GeoJSON", "-t_srs", "EPSG:28992", rd, file]);
    const summary = await summarize(rd);
    const truth = ogrinfoSummary(rd);
    expect(summary.crs?.epsg).toBe(28992);
    expect(truth.epsg).toBe(28992);
    truth.extent!.forEach((v, i) => expectClose(summary.bbox![i], v, 1e-6));
    // The WGS84 bbox of the native bbox holds every feature. It is larger than their own extent:
    // the RD grid is turned against the meridians, so the bbox's corners stick out (~0.1 degree here).
    const back = tmp.file("parcels-back.geojson");
    ogr2ogr(["-f", "GeoJSON", "-t_srs", "EPSG:4326", back, rd]);
    const lonlat = ogrinfoSummary(back).extent!;
    const [w, s, e, n] = summary.wgs84Bbox!;
    expect(w).toBeLessThanOrEqual(lonlat[0] + 1e-9);
    expect(s).toBeLessThanOrEqual(lonlat[1] + 1e-9);
    expect(e).toBeGreaterThanOrEqual(lonlat[2] - 1e-9);
    expect(n).toBeGreaterThanOrEqual(lonlat[3] - 1e-9);
    [w - lonlat[0], s - lonlat[1], e - lonlat[2], n - lonlat[3]].forEach((d) => expect(Math.abs(d)).toBeLessThan(0.2));
  });

  it("cuts features out right whatever the chunk boundaries, braces and escaped quotes in strings included", async () => {
    const text = JSON.stringify({
      features: [
        { type: "Feature", properties: { note: 'a } ] {"x": [', q: '\\"', features: "[{" }, geometry: { type: "Point", coordinates: [1, 2] } },
        { type: "Feature", properties: { note: "ünï\u00e7ode \\" }, geometry: null },
      ],
      type: "FeatureCollection",
      crs: { type: "name", properties: { name: "urn:ogc:def:crs:OGC:1.3:CRS84" } },
    });
    const whole = (await summarizeLayer(readGeoJson(Readable.from([Buffer.from(text)])))).summary;
    const bytes = Buffer.from(text);
    const oneByOne = (await summarizeLayer(readGeoJson(Readable.from([...bytes].map((b) => Buffer.from([b])))))).summary;
    expect(oneByOne).toEqual(whole);
    expect(whole.featureCount).toBe(2);
    expect(whole.attributes.find((a) => a.attribute === "note")!.unique.values).toEqual(['a } ] {"x": [', "ünïçode \\"]);
  });

  it("reads a bare Feature and a bare geometry as one feature", async () => {
    const feature = await summarizeLayer(readGeoJson(Readable.from([JSON.stringify({ type: "Feature", properties: { a: 1 }, geometry: { type: "Point", coordinates: [1, 2] } })])));
    expect(feature.summary).toMatchObject({ featureCount: 1, geometryType: "Point", bbox: [1, 2, 1, 2] });
    const geometry = await summarizeLayer(readGeoJson(Readable.from([JSON.stringify({ type: "LineString", coordinates: [[0, 0], [3, 4]] })])));
    expect(geometry.summary).toMatchObject({ featureCount: 1, geometryType: "LineString", bbox: [0, 0, 3, 4] });
  });

  it("names a layer of Polygons and MultiPolygons Geometry (mixed), as ogrinfo does", async () => {
    const mixed = writeJson(tmp.file("mixed.geojson"), {
      type: "FeatureCollection",
      features: [
        { type: "Feature", properties: {}, geometry: { type: "Polygon", coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } },
        { type: "Feature", properties: {}, geometry: { type: "MultiPolygon", coordinates: [[[[2, 2], [3, 2], [3, 3], [2, 2]]]] } },
      ],
    });
    expect((await summarize(mixed)).geometryType).toBe("Geometry");
    expect(geoJsonTypeName(ogrinfoSummary(mixed).geometry)).toBe("Geometry");
  });

  it.each([
    ["not JSON", "this is not json", "NOT_JSON"],
    ["JSON cut short", '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null', "NOT_JSON"],
    ["JSON that is not GeoJSON", '{"hello":"world"}', "NOT_GEOJSON"],
    ["a top-level array", "[1,2,3]", "NOT_GEOJSON"],
    ["a feature that is not a Feature", '{"type":"FeatureCollection","features":[{"type":"Point"}]}', "NOT_GEOJSON"],
    ["coordinates that are not numbers", '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":["a","b"]}}]}', "INVALID_GEOMETRY"],
    ["an unknown geometry type", '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Circle","coordinates":[1,2]}}]}', "INVALID_GEOMETRY"],
    ["an unknown crs", '{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:99999999"}},"features":[]}', "UNKNOWN_CRS"],
    ["trailing data", '{"type":"FeatureCollection","features":[]} {"more":1}', "NOT_JSON"],
    ["an empty file", "", "EMPTY_FILE"],
  ])("rejects %s with a coded reason", async (_name, text, code) => {
    const error = await rejection(text);
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(10);
  });
});
