import { createReadStream, mkdirSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { InvalidDatasetError, openLayer, summarizeLayer, type DatasetFile } from "../index.js";
import { polygonCollection, tempDir, writeJson } from "./fixtures.js";
import { expectClose, geoJsonTypeName, ogr2ogr, ogrFieldStats, ogrinfoSummary } from "./ogr.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const source = writeJson(tmp.file("parcels.geojson"), polygonCollection(257));

/** Points with every GeoPackage attribute type GeoJSON can carry (booleans, date-times, a null geometry, Z). */
const points = writeJson(tmp.file("points.geojson"), {
  type: "FeatureCollection",
  features: Array.from({ length: 41 }, (_, i) => ({
    type: "Feature",
    properties: {
      label: i % 6 === 0 ? null : `p${(i * 13) % 41}`,
      flag: i % 5 === 0 ? null : i % 2 === 0,
      seen: i % 4 === 0 ? null : `2024-0${1 + (i % 9)}-1${i % 10}T0${i % 10}:30:00Z`,
      depth: i % 7 === 0 ? null : -12.5 + i * 0.75,
    },
    geometry: i === 17 ? null : { type: "Point", coordinates: [4 + i / 20, 51 + i / 40, i * 2] },
  })),
});

/** A stored file over a local path; `localPath` only when `inPlace` (local disk storage), else the reader copies it. */
function datasetFile(path: string, inPlace: boolean): DatasetFile {
  const { size } = statSync(path);
  const read = async (offset: number, length: number) => readFileSync(path).subarray(offset, offset + length);
  return {
    size,
    open: async () => createReadStream(path),
    openRange: async (start, end) => createReadStream(path, { start, end }),
    read,
    ...(inPlace ? { localPath: path } : {}),
  };
}

/** Runs `fn` with the OS temporary directory pointed at a fresh one, and answers what it left there. */
async function leftInTemp<T>(fn: () => Promise<T>): Promise<{ value: T | unknown; left: string[] }> {
  const dir = tmp.file(`os-tmp-${Math.random().toString(36).slice(2)}`);
  mkdirSync(dir);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    const value = await fn().catch((e: unknown) => e);
    return { value, left: readdirSync(dir) };
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  }
}

async function summarize(path: string, inPlace = true) {
  const { layer, format } = await openLayer(datasetFile(path, inPlace), path.split("/").pop()!);
  expect(format).toBe("geopackage");
  return (await summarizeLayer(layer)).summary;
}

/** Files beside `path` that SQLite might have made (journals, WAL, shared memory). */
function sqliteLeftovers(path: string): string[] {
  const name = path.split("/").pop()!;
  return readdirSync(tmp.dir).filter((f) => f.startsWith(`${name}-`));
}

describe("GeoPackage reader, against ogrinfo", () => {
  it.each([
    ["EPSG:28992", 28992, true],
    ["EPSG:4326", 4326, false],
    ["EPSG:32631", 32631, true],
  ])("reads a %s layer: count, geometry type, extent, CRS, field types and statistics", async (srs, epsg, inPlace) => {
    const file = tmp.file(`parcels_${epsg}.gpkg`);
    ogr2ogr(["-f", "GPKG", "-t_srs", srs, file, source, "-nln", `parcels_${epsg}`]);
    const { value, left } = await leftInTemp(() => summarize(file, inPlace));
    expect(left).toEqual([]);
    const summary = value as Awaited<ReturnType<typeof summarize>>;
    const truth = ogrinfoSummary(file);
    expect(summary.format).toBe("geopackage");
    expect(summary.featureCount).toBe(truth.featureCount);
    expect(summary.geometryType).toBe(geoJsonTypeName(truth.geometry));
    expect(truth.epsg).toBe(epsg);
    expect(summary.crs?.epsg).toBe(epsg);
    truth.extent!.forEach((v, i) => expectClose(summary.bbox![i], v, 1e-6));
    // GDAL reads a GeoPackage INTEGER column as Integer64; the readers have one integer type.
    expect(summary.attributes.map((a) => ({ name: a.attribute, type: a.type }))).toEqual(
      truth.fields.map((f) => ({ name: f.name, type: f.type.replace("Integer64", "Integer") })),
    );
    for (const attribute of summary.attributes) {
      const stats = ogrFieldStats(file, `parcels_${epsg}`, attribute.attribute);
      expect(attribute.count).toBe(stats.count);
      expect(attribute.unique.values.length).toBe(stats.distinct);
      if (["String", "Date", "DateTime"].includes(attribute.type)) {
        expect([attribute.min, attribute.max]).toEqual([stats.min, stats.max]);
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
    expect(sqliteLeftovers(file)).toEqual([]);
  });

  it("reads booleans, date-times, Z coordinates and a null geometry as ogrinfo does", async () => {
    const file = tmp.file("points.gpkg");
    ogr2ogr(["-f", "GPKG", file, points, "-nln", "points"]);
    const summary = await summarize(file);
    const truth = ogrinfoSummary(file);
    expect(summary.featureCount).toBe(truth.featureCount);
    expect(truth.geometry).toBe("3D Point");
    expect(summary.geometryType).toBe(geoJsonTypeName(truth.geometry));
    expect(summary.crs?.epsg).toBe(truth.epsg);
    truth.extent!.forEach((v, i) => expectClose(summary.bbox![i], v, 1e-9));
    expect(summary.attributes.map((a) => ({ name: a.attribute, type: a.type }))).toEqual(truth.fields);
    expect(truth.fields.map((f) => f.type)).toEqual(["String", "Boolean", "DateTime", "Real"]);
    for (const attribute of summary.attributes) {
      const stats = ogrFieldStats(file, "points", attribute.attribute);
      expect(attribute.count).toBe(stats.count);
      expect(attribute.unique.values.length).toBe(stats.distinct);
      if (attribute.type === "Boolean") continue; // SQLite's MIN/MAX of a BOOLEAN are 0/1
      if (attribute.type === "Real") {
        expectClose(attribute.min as number, Number(stats.min));
        expectClose(attribute.max as number, Number(stats.max));
      } else expect([attribute.min, attribute.max]).toEqual([stats.min, stats.max]);
    }
  });

  it("reads a WAL-mode GeoPackage from a copy and leaves no -wal or -shm file anywhere", async () => {
    const file = tmp.file("wal.gpkg");
    ogr2ogr(["-f", "GPKG", file, source, "-nln", "wal"]);
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.close();
    expect(readFileSync(file)[18]).toBe(2);
    const { value, left } = await leftInTemp(() => summarize(file, true));
    expect(left).toEqual([]);
    expect((value as { featureCount: number }).featureCount).toBe(ogrinfoSummary(file).featureCount);
    expect(sqliteLeftovers(file)).toEqual([]);
  });

  it.each([
    ["a GeoPackage cut short", "GEOPACKAGE_TRUNCATED", () => {
      const file = tmp.file("cut.gpkg");
      ogr2ogr(["-f", "GPKG", file, source, "-nln", "cut"]);
      truncateSync(file, Math.floor(statSync(file).size / 2));
      return file;
    }],
    ["a SQLite database that is not a GeoPackage", "GEOPACKAGE_INVALID", () => {
      const file = tmp.file("plain.sqlite");
      ogr2ogr(["-f", "SQLite", file, source, "-nln", "plain"]);
      return file;
    }],
    ["a GeoPackage without a geometry column", "GEOPACKAGE_NO_LAYER", () => {
      const csv = tmp.file("table.csv");
      writeFileSync(csv, "name,value\na,1\nb,2\n");
      const file = tmp.file("table.gpkg");
      ogr2ogr(["-f", "GPKG", file, csv, "-nln", "table"]);
      return file;
    }],
    ["a GeoPackage with two feature layers", "GEOPACKAGE_AMBIGUOUS", () => {
      const file = tmp.file("two.gpkg");
      ogr2ogr(["-f", "GPKG", file, source, "-nln", "one"]);
      ogr2ogr(["-f", "GPKG", "-update", file, points, "-nln", "two"]);
      return file;
    }],
    ["a .gpkg that is not a SQLite file", "GEOPACKAGE_INVALID", () => {
      const file = tmp.file("text.gpkg");
      writeFileSync(file, "this is not a GeoPackage at all");
      return file;
    }],
    ["a GeoPackage whose geometry blobs are corrupt", "GEOPACKAGE_INVALID", () => {
      const file = tmp.file("blobs.gpkg");
      ogr2ogr(["-f", "GPKG", file, source, "-nln", "blobs"]);
      const db = new Database(file);
      db.exec("DROP TRIGGER IF EXISTS rtree_blobs_geom_update1; DROP TRIGGER IF EXISTS rtree_blobs_geom_update2; DROP TRIGGER IF EXISTS rtree_blobs_geom_update3; DROP TRIGGER IF EXISTS rtree_blobs_geom_update4");
      db.exec("UPDATE blobs SET geom = X'47500001E6100000DEADBEEF' WHERE fid = 7");
      db.close();
      return file;
    }],
  ])("rejects %s with a coded reason and leaves nothing behind", async (_name, code, make) => {
    const file = make();
    for (const inPlace of [true, false]) {
      const { value, left } = await leftInTemp(() => summarize(file, inPlace));
      expect(value).toBeInstanceOf(InvalidDatasetError);
      expect((value as InvalidDatasetError).code).toBe(code);
      expect((value as Error).message.length).toBeGreaterThan(20);
      expect(left).toEqual([]);
      expect(sqliteLeftovers(file)).toEqual([]);
    }
  });
});
