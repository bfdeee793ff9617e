import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { InvalidDatasetError, readCsv, summarizeLayer } from "../index.js";
import { polygonCollection, tempDir, writeJson } from "./fixtures.js";
import { expectClose, geoJsonTypeName, ogr2ogr, ogrFieldStats, ogrinfoSummary } from "./ogr.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
/** How GeoNode's importer opens CSV with GDAL (and how our reader finds the geometry); empty fields are null. */
const OPEN = [
  "X_POSSIBLE_NAMES=x,lon*,long*",
  "Y_POSSIBLE_NAMES=y,lat*",
  "GEOM_POSSIBLE_NAMES=wkt,wkt_geom,geom*,the_geom*",
  "KEEP_GEOM_COLUMNS=NO",
  "AUTODETECT_TYPE=YES",
  "EMPTY_STRING_AS_NULL=YES",
];

const polygons = writeJson(tmp.file("parcels.geojson"), polygonCollection(211));
const points = writeJson(tmp.file("points.geojson"), {
  type: "FeatureCollection",
  features: (polygonCollection(173) as { features: { properties: object; geometry: { coordinates: number[][][] } }[] }).features.map((f) => ({
    type: "Feature",
    properties: f.properties,
    geometry: { type: "Point", coordinates: f.geometry.coordinates[0]![2] },
  })),
});

async function summarize(file: string) {
  return (await summarizeLayer(readCsv(createReadStream(file, { highWaterMark: 1024 })))).summary;
}

/** `source`: the GeoJSON the CSV was written from (GDAL's CSV driver reports WKT layers as "Unknown (any)"). */
async function compare(file: string, layer: string, source: string) {
  const summary = await summarize(file);
  const truth = ogrinfoSummary(file, OPEN);
  expect(summary.format).toBe("csv");
  expect(summary.featureCount).toBe(truth.featureCount);
  expect(summary.geometryType).toBe(geoJsonTypeName(ogrinfoSummary(source).geometry));
  expect(summary.crs?.epsg).toBe(4326); // GDAL gives a CSV no CRS; lon/lat is taken as WGS84
  truth.extent!.forEach((v, i) => expectClose(summary.bbox![i], v, 1e-6));
  expect(summary.attributes.map((a) => ({ name: a.attribute, type: a.type }))).toEqual(truth.fields);
  for (const attribute of summary.attributes) {
    const stats = ogrFieldStats(file, layer, attribute.attribute, OPEN);
    expect(attribute.count).toBe(stats.count);
    expect(attribute.unique.values.length).toBe(stats.distinct);
    if (attribute.type === "String" || attribute.type === "Date") {
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
}

async function rejection(text: string): Promise<InvalidDatasetError> {
  const error = await summarizeLayer(readCsv(Readable.from([Buffer.from(text)]))).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InvalidDatasetError);
  return error as InvalidDatasetError;
}

describe("CSV reader, against ogrinfo with GeoNode's open options", () => {
  it("reads polygons from a WKT column", async () => {
    const file = tmp.file("parcels_wkt.csv");
    ogr2ogr(["-f", "CSV", "-lco", "GEOMETRY=AS_WKT", file, polygons]);
    await compare(file, "parcels_wkt", polygons);
  });

  it("reads points from X and Y columns", async () => {
    const file = tmp.file("points_xy.csv");
    ogr2ogr(["-f", "CSV", "-lco", "GEOMETRY=AS_XY", file, points]);
    await compare(file, "points_xy", points);
  });

  it("reads semicolon-separated lon/lat columns with quoted fields and a BOM", async () => {
    const text = "\uFEFFname;longitude;latitude;note\n" + '"a; b";4.5;52.1;"said ""hi"""\n' + "c;5.5;51.0;\n" + "d;;;no position\n";
    const { summary } = await summarizeLayer(readCsv(Readable.from([Buffer.from(text)])));
    expect(summary).toMatchObject({ featureCount: 3, geometryType: "Point", bbox: [4.5, 51.0, 5.5, 52.1] });
    expect(summary.attributes.map((a) => a.attribute)).toEqual(["name", "note"]);
    expect(summary.attributes[0]!.unique.values).toEqual(["a; b", "c", "d"]);
    expect(summary.attributes[1]!.unique.values).toEqual(["no position", 'said "hi"']);
  });

  it("leaves the CRS unknown when the coordinates are not longitude/latitude", async () => {
    const { summary } = await summarizeLayer(readCsv(Readable.from(["x,y,v\n155000,463000,1\n"])));
    expect(summary.crs).toBeNull();
    expect(summary.wgs84Bbox).toBeNull();
    expect(summary.bbox).toEqual([155000, 463000, 155000, 463000]);
  });

  it.each([
    ["a CSV without coordinates", "name,value\na,1\n", "CSV_NO_COORDINATES"],
    ["a WKT column that is not WKT", "wkt,name\nPOINT(1 2),a\nnot a geometry,b\n", "CSV_INVALID"],
    ["coordinates that are not numbers", "lon,lat\n4.5,north\n", "CSV_INVALID"],
    ["a row with too many fields", "lon,lat\n1,2,3\n", "CSV_INVALID"],
    ["an unclosed quote", 'lon,lat,name\n1,2,"open\n', "CSV_INVALID"],
    ["an empty file", "", "EMPTY_FILE"],
  ])("rejects %s with a coded reason", async (_name, text, code) => {
    const error = await rejection(text);
    expect(error.code).toBe(code);
    expect(error.message.length).toBeGreaterThan(10);
  });
});
