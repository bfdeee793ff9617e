import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Express } from "express";
import request from "supertest";
import type { Database, Pipeline } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { polygonCollection, tempDir, writeJson } from "../plugins/dataset/src/__tests__/fixtures.js";
import { expectClose, geoJsonTypeName, ogr2ogr, ogrFieldStats, ogrinfoSummary } from "../plugins/dataset/src/__tests__/ogr.js";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { filesUnder } from "./helpers/pipeline.js";
import { qgisUpload, type QgisLayer } from "./helpers/qgis-geonode.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const source = writeJson(tmp.file("parcels.geojson"), polygonCollection(120));

/** A shapefile's parts as QGIS exports them (ogr2ogr from the GeoJSON), in RD New. */
function shapefileParts(name: string): Record<"shp" | "shx" | "dbf" | "prj", string> {
  const dir = tmp.file(`${name}-parts`);
  ogr2ogr(["-f", "ESRI Shapefile", "-t_srs", "EPSG:28992", dir, source, "-nln", name]);
  return { shp: join(dir, `${name}.shp`), shx: join(dir, `${name}.shx`), dbf: join(dir, `${name}.dbf`), prj: join(dir, `${name}.prj`) };
}

const SLD = `<?xml version="1.0" encoding="UTF-8"?><StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld"/>`;

describe("GeoNode upload: POST /api/v2/uploads/upload and execution requests, as the QGIS GeoNode plugin sends them", () => {
  let db: Database;
  let app: Express;
  let pipeline: Pipeline & { root: string };
  let auth: Record<string, string>;
  let stranger: Record<string, string>;

  beforeAll(async () => {
    ({ db, app, pipeline } = await createTestApp({ plugins: [rasterSourcePlugin(), datasetPlugin()] }));
    ({ auth } = await userWithKey(db, "qgis-user"));
    ({ auth: stranger } = await userWithKey(db, "stranger"));
  });
  afterAll(async () => {
    await db.close();
  });

  it("takes a Shapefile sent as parts (shp, sld, dbf, prj, shx), polls to finished, and the dataset equals ogrinfo's", async () => {
    const parts = shapefileParts("parcels_rd");
    const sld = tmp.file("parcels_rd.sld");
    writeFileSync(sld, SLD);
    const layer: QgisLayer = {
      title: "Parcels (RD New)",
      abstract: "Test parcels",
      main: parts.shp,
      sidecars: [["sld_file", sld], ["dbf_file", parts.dbf], ["prj_file", parts.prj], ["shx_file", parts.shx]],
      allowPublicAccess: true,
    };
    const outcome = await qgisUpload(app, auth, layer);
    expect(outcome.uploadStatus).toBe(201);
    expect(outcome.error).toBeNull();
    expect(outcome.ok).toBe(true);
    expect(outcome.polls.every((p) => p.http === 200 && ["ready", "running", "finished"].includes(p.status ?? ""))).toBe(true);

    const request_ = (outcome.last as { request: Record<string, unknown> }).request;
    expect(request_).toMatchObject({ exec_id: outcome.executionId, status: "finished", user: "qgis-user", action: "upload", log: null });
    const [{ id: resourceId }] = (request_.output_params as { resources: { id: number }[] }).resources;
    expect(request_.geonode_resource).toBe(resourceId);

    const truth = ogrinfoSummary(parts.shp);
    const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { resource_id: resourceId }, include: { resource: true, attribute_set: { orderBy: { display_order: "asc" } } } });
    expect(dataset).toMatchObject({ subtype: "vector", alternate: "geonode:parcels_rd", srid: "EPSG:28992", feature_count: truth.featureCount, geometry_type: geoJsonTypeName(truth.geometry) });
    expect(truth.epsg).toBe(28992);
    const bbox = [dataset.bbox_x0, dataset.bbox_y0, dataset.bbox_x1, dataset.bbox_y1];
    truth.extent!.forEach((v, i) => expectClose(bbox[i], v, 1e-6));
    expect([dataset.ll_bbox_x0! <= 3.5, dataset.ll_bbox_y0! <= 50.8, dataset.ll_bbox_x1! >= 6.8, dataset.ll_bbox_y1! >= 53.2]).toEqual([true, true, true, true]);
    expect(dataset.resource).toMatchObject({ type: "dataset", name: "Parcels (RD New)", description: "Test parcels" });
    expect(dataset.thumbnail_key).toMatch(/dataset-thumbnail\.png$/);
    expect(existsSync(join(pipeline.root, dataset.thumbnail_key!))).toBe(true);

    const xsd: Record<string, string> = { Integer: "xsd:int", Integer64: "xsd:int", Real: "xsd:double", String: "xsd:string", Date: "xsd:date" };
    expect(dataset.attribute_set.map((a) => [a.attribute, a.attribute_type])).toEqual(truth.fields.map((f) => [f.name, xsd[f.type]]));
    const population = dataset.attribute_set.find((a) => a.attribute === "population")!;
    const stats = ogrFieldStats(parts.shp, "parcels_rd", "population");
    expect(population.count).toBe(stats.count);
    expect([Number(population.min), Number(population.max), Number(population.sum)]).toEqual([Number(stats.min), Number(stats.max), Number(stats.sum)]);
    expectClose(Number(population.average), Number(stats.avg), 1e-9);

    // permissions = AnonymousUser: view + download: anyone may read the new resource.
    expect((await request(app).get(`/resources/${resourceId}`)).status).toBe(200);
  });

  it("answers the same execution at /resource-service/execution-status/{id}, flat, and hides it from others (404) and anonymous callers (401)", async () => {
    const parts = shapefileParts("parcels_status");
    const outcome = await qgisUpload(app, auth, { main: parts.shp, sidecars: [["dbf_file", parts.dbf], ["prj_file", parts.prj], ["shx_file", parts.shx]], allowPublicAccess: false });
    expect(outcome.ok).toBe(true);
    const flat = await request(app).get(`/api/v2/resource-service/execution-status/${outcome.executionId}`).set(auth);
    expect(flat.status).toBe(200);
    expect(Object.keys(flat.body).sort()).toEqual(["created", "finished", "func_name", "input_params", "last_updated", "log", "output_params", "status", "step", "user"]);
    expect(flat.body).toMatchObject({ status: "finished", user: "qgis-user" });
    const polled = (outcome.last as { request: { output_params: { resources: { id: number }[] } } }).request.output_params;
    expect(flat.body.output_params.resources.map((r: { id: number }) => r.id)).toEqual(polled.resources.map((r) => r.id));

    const hidden = await request(app).get(`/api/v2/executionrequest/${outcome.executionId}`).set(stranger);
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual({ success: false, errors: ["Not found."], code: "not_found" });
    expect((await request(app).get(`/api/v2/resource-service/execution-status/${outcome.executionId}`).set(stranger)).status).toBe(404);
    const anonymous = await request(app).get(`/api/v2/executionrequest/${outcome.executionId}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ success: false, code: "not_authenticated" });
    expect((await request(app).get("/api/v2/executionrequest/not-a-uuid").set(auth)).status).toBe(404);
    // Without permissions for AnonymousUser the dataset stays private.
    const { resources } = (outcome.last as { request: { output_params: { resources: { id: number }[] } } }).request.output_params;
    expect((await request(app).get(`/resources/${resources[0]!.id}`)).status).toBe(404);
  });

  it("ends a Shapefile sent without its .dbf failed, with the reason in request.log, and keeps no dataset", async () => {
    const parts = shapefileParts("parcels_nodbf");
    const before = { resources: await db.prisma.resource.count(), datasets: await db.prisma.dataset.count() };
    const outcome = await qgisUpload(app, auth, { main: parts.shp, sidecars: [["prj_file", parts.prj], ["shx_file", parts.shx]], allowPublicAccess: true });
    expect(outcome.uploadStatus).toBe(201);
    expect(outcome.ok).toBe(false);
    expect(outcome.polls.at(-1)).toEqual({ http: 200, status: "failed" });
    expect(outcome.error).toMatch(/^Upload failed on the GeoNode server: .*\.dbf/);
    expect({ resources: await db.prisma.resource.count(), datasets: await db.prisma.dataset.count() }).toEqual(before);
    expect((await filesUnder(pipeline.root)).filter((f) => f.includes("parcels_nodbf") || f.startsWith("tmp/"))).toEqual([]);
  });

  it("streams any other base_file as it is, taking fields sent after the file (a GeoJSON)", async () => {
    const res = await request(app)
      .post("/api/v2/uploads/upload")
      .set(auth)
      .attach("base_file", source, { filename: "parcels.geojson", contentType: "application/geo+json" })
      .field("dataset_title", "Parcels GeoJSON")
      .field("action", "upload");
    expect(res.status).toBe(201);
    const outcome = await pollUntilDone(res.body.execution_id);
    expect(outcome.status).toBe("finished");
    const truth = ogrinfoSummary(source);
    const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { resource_id: outcome.geonode_resource as number }, include: { resource: true } });
    expect(dataset).toMatchObject({ srid: "EPSG:4326", feature_count: truth.featureCount, alternate: "geonode:parcels" });
    expect(dataset.resource.name).toBe("Parcels GeoJSON");
  });

  it("refuses bad forms with a 400 in GeoNode's shape before storing anything", async () => {
    const parts = shapefileParts("parcels_bad");
    const uploadsBefore = await db.prisma.upload.count();
    const noBase = await request(app).post("/api/v2/uploads/upload").set(auth).field("action", "upload").attach("dbf_file", parts.dbf);
    expect(noBase.status).toBe(400);
    expect(noBase.body).toEqual({ success: false, errors: ["base_file (the .shp) is required"], code: "invalid" });
    const badPermissions = await request(app).post("/api/v2/uploads/upload").set(auth).field("permissions", "{not json").attach("base_file", parts.shp);
    expect(badPermissions.status).toBe(400);
    expect(badPermissions.body.errors[0]).toMatch(/permissions must be a JSON perm_spec/);
    const badAction = await request(app).post("/api/v2/uploads/upload").set(auth).field("action", "delete").attach("base_file", source, "x.geojson");
    expect(badAction.status).toBe(400);
    const stray = await request(app).post("/api/v2/uploads/upload").set(auth).attach("base_file", source, "x.geojson").attach("dbf_file", parts.dbf);
    expect(stray.status).toBe(400);
    expect(stray.body.errors[0]).toMatch(/dbf_file belongs to a Shapefile/);
    const anonymous = await request(app).post("/api/v2/uploads/upload").attach("base_file", source, "x.geojson");
    expect(anonymous.status).toBe(401);
    expect(await db.prisma.upload.count()).toBe(uploadsBefore);
    expect((await filesUnder(pipeline.root)).filter((f) => f.startsWith("tmp/"))).toEqual([]);
  });

  async function pollUntilDone(executionId: string): Promise<Record<string, unknown>> {
    for (;;) {
      const res = await request(app).get(`/api/v2/executionrequest/${executionId}`).set(auth);
      expect(res.status).toBe(200);
      if (["finished", "failed"].includes(res.body.request.status)) return res.body.request;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
});
