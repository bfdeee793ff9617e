import { copyFileSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Express } from "express";
import request from "supertest";
import type { Database, Pipeline } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { polygonCollection, tempDir, writeJson } from "../plugins/dataset/src/__tests__/fixtures.js";
import { ogr2ogr } from "../plugins/dataset/src/__tests__/ogr.js";
import { writeZeroBomb, writeZip } from "../plugins/dataset/src/__tests__/zips.js";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { filesUnder } from "./helpers/pipeline.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const source = writeJson(tmp.file("parcels.geojson"), polygonCollection(40));
const dir = tmp.file("parts");
ogr2ogr(["-f", "ESRI Shapefile", dir, source, "-nln", "parcels"]);
const part = (ext: string) => join(dir, `parcels.${ext}`);

/** Corrupt files through the server's pipeline: each execution request ends failed with its reason. */
const CASES: [name: string, make: () => [field: string, path: string][], reason: RegExp][] = [
  ["a Shapefile without its .dbf", () => [["base_file", part("shp")], ["shx_file", part("shx")], ["prj_file", part("prj")]], /\.dbf/],
  ["a .shp cut short", () => {
    const cut = tmp.file("cut.shp");
    copyFileSync(part("shp"), cut);
    truncateSync(cut, Math.floor(readFileSync(cut).length / 2));
    return [["base_file", cut], ["dbf_file", part("dbf")], ["shx_file", part("shx")]];
  }, /short|truncat|cut/i],
  ["GeoJSON that is not JSON", () => {
    const bad = tmp.file("bad.geojson");
    writeFileSync(bad, '{"type": "FeatureCollection", "features": [{"type": "Feature",');
    return [["base_file", bad]];
  }, /JSON/],
  ["a CSV without coordinates", () => {
    const csv = tmp.file("nocoords.csv");
    writeFileSync(csv, "name,value\na,1\nb,2\n");
    return [["base_file", csv]];
  }, /coordinate|geometry/i],
  ["a zip bomb", () => [["base_file", writeZeroBomb(tmp.file("bomb.zip"), "parcels.shp", 200 * 1024 * 1024)]], /bomb|inflat|ratio|large/i],
  ["a zip entry path outside the archive", () => [["base_file", writeZip(tmp.file("slip.zip"), { "../parcels.shp": part("shp"), "../parcels.dbf": part("dbf"), "../parcels.shx": part("shx") })]], /path|outside|\.\./i],
];

describe("GeoNode upload of corrupt files: failed with a reason, nothing left behind", () => {
  let db: Database;
  let app: Express;
  let pipeline: Pipeline & { root: string };
  let auth: Record<string, string>;

  beforeAll(async () => {
    ({ db, app, pipeline } = await createTestApp({ plugins: [rasterSourcePlugin(), datasetPlugin()] }));
    ({ auth } = await userWithKey(db, "uploader"));
  });
  afterAll(async () => {
    await db.close();
  });

  it.each(CASES)("%s", async (_name, make, reason) => {
    const req = request(app).post("/api/v2/uploads/upload").set(auth).field("action", "upload");
    for (const [field, path] of make()) req.attach(field, path);
    const res = await req;
    expect(res.status).toBe(201);
    let status: Record<string, unknown>;
    for (;;) {
      const poll = await request(app).get(`/api/v2/executionrequest/${res.body.execution_id}`).set(auth);
      expect(poll.status).toBe(200);
      status = poll.body.request;
      if (status.status === "finished" || status.status === "failed") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status.status).toBe("failed");
    expect(status.log).toMatch(reason);
    expect(status.output_params).toEqual({});
    expect(await db.prisma.dataset.count()).toBe(0);
    expect(await db.prisma.resource.count()).toBe(0);
    expect((await filesUnder(pipeline.root)).filter((f) => f.startsWith("derivatives/") || f.startsWith("tmp/"))).toEqual([]);
  });
});
