import { statSync, truncateSync, writeFileSync } from "node:fs";
import type { Express } from "express";
import type { Database, Pipeline } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { polygonCollection, tempDir, writeJson } from "../plugins/dataset/src/__tests__/fixtures.js";
import { expectClose, geoJsonTypeName, ogr2ogr, ogrFieldStats, ogrinfoSummary } from "../plugins/dataset/src/__tests__/ogr.js";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { filesUnder } from "./helpers/pipeline.js";
import { qgisUpload } from "./helpers/qgis-geonode.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const source = writeJson(tmp.file("parcels.geojson"), polygonCollection(90));

function geopackage(name: string, srs = "EPSG:28992"): string {
  const file = tmp.file(`${name}.gpkg`);
  ogr2ogr(["-f", "GPKG", "-t_srs", srs, file, source, "-nln", name]);
  return file;
}

describe("GeoNode upload of a GeoPackage (base_file=<name>.gpkg, as the QGIS GeoNode plugin sends it)", () => {
  let db: Database;
  let app: Express;
  let pipeline: Pipeline & { root: string };
  let auth: Record<string, string>;

  beforeAll(async () => {
    ({ db, app, pipeline } = await createTestApp({ plugins: [rasterSourcePlugin(), datasetPlugin()] }));
    ({ auth } = await userWithKey(db, "gpkg-user"));
  });
  afterAll(async () => {
    await db.close();
  });

  /** Files SQLite might leave beside a stored object, and the pipeline's temporary files. */
  const leftovers = async () => (await filesUnder(pipeline.root)).filter((f) => /-(journal|wal|shm)$/.test(f) || f.startsWith("tmp/"));

  it("finishes, and the dataset's CRS, bbox, count, geometry type and attributes equal ogrinfo's", async () => {
    const file = geopackage("parcels_gpkg");
    const outcome = await qgisUpload(app, auth, { title: "Parcels GeoPackage", main: file, sidecars: [], allowPublicAccess: false });
    expect(outcome.uploadStatus).toBe(201);
    expect(outcome.error).toBeNull();
    const request_ = (outcome.last as { request: Record<string, unknown> }).request;
    const truth = ogrinfoSummary(file);
    const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { resource_id: request_.geonode_resource as number }, include: { attribute_set: { orderBy: { display_order: "asc" } } } });
    expect(truth.epsg).toBe(28992);
    expect(dataset).toMatchObject({ subtype: "vector", srid: "EPSG:28992", feature_count: truth.featureCount, geometry_type: geoJsonTypeName(truth.geometry) });
    truth.extent!.forEach((v, i) => expectClose([dataset.bbox_x0, dataset.bbox_y0, dataset.bbox_x1, dataset.bbox_y1][i], v, 1e-6));
    const xsd: Record<string, string> = { Integer: "xsd:int", Integer64: "xsd:int", Real: "xsd:double", String: "xsd:string", Date: "xsd:date" };
    expect(dataset.attribute_set.map((a) => [a.attribute, a.attribute_type])).toEqual(truth.fields.map((f) => [f.name, xsd[f.type]]));
    const area = dataset.attribute_set.find((a) => a.attribute === "area")!;
    const stats = ogrFieldStats(file, "parcels_gpkg", "area");
    expectClose(Number(area.min), Number(stats.min));
    expectClose(Number(area.max), Number(stats.max));
    expect(await leftovers()).toEqual([]);
  });

  it.each([
    ["a GeoPackage cut short", () => {
      const file = geopackage("cut");
      truncateSync(file, Math.floor(statSync(file).size / 2));
      return file;
    }, /cut short/],
    ["a SQLite database that is not a GeoPackage", () => {
      const file = tmp.file("plain.gpkg");
      ogr2ogr(["-f", "SQLite", file, source, "-nln", "plain"]);
      return file;
    }, /not a GeoPackage/],
    ["a GeoPackage without a geometry column", () => {
      const csv = tmp.file("table.csv");
      writeFileSync(csv, "name,value\na,1\n");
      const file = tmp.file("table.gpkg");
      ogr2ogr(["-f", "GPKG", file, csv, "-nln", "table"]);
      return file;
    }, /no feature layer/],
    ["a .gpkg that is not SQLite", () => {
      const file = tmp.file("fake.gpkg");
      writeFileSync(file, "not a database");
      return file;
    }, /not a SQLite database/],
  ])("ends %s failed with the reason in request.log, nothing left behind", async (_name, make, reason) => {
    const derivatives = async () => (await filesUnder(pipeline.root)).filter((f) => f.startsWith("derivatives/"));
    const before = { resources: await db.prisma.resource.count(), datasets: await db.prisma.dataset.count(), derivatives: await derivatives() };
    const outcome = await qgisUpload(app, auth, { main: make(), sidecars: [], allowPublicAccess: false });
    expect(outcome.uploadStatus).toBe(201);
    expect(outcome.polls.at(-1)).toEqual({ http: 200, status: "failed" });
    expect(outcome.error).toMatch(reason);
    expect({ resources: await db.prisma.resource.count(), datasets: await db.prisma.dataset.count(), derivatives: await derivatives() }).toEqual(before);
    expect(await leftovers()).toEqual([]);
  });
});
