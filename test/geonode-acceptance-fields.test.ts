import request from "supertest";
import type { Express } from "express";
import type { Database } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { createTestApp, userWithKey } from "./helpers/app.js";

/**
 * dynamic-rest's include[]/exclude[] beyond /resources/ lists (test/geonode-resources.test.ts):
 * on the typed lists and on details, where dynamic-rest reads the same request fields
 * (`WithDynamicViewSetMixin.get_request_fields` serves retrieve as list), and the deferred
 * attribute_set of GeoNode's DatasetListSerializer.
 */

describe("GeoNode API v2: include[]/exclude[] on typed lists and details", () => {
  let db: Database;
  let app: Express;
  let id: number;

  const get = (path: string) => request(app).get(`/api/v2${path}`);

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ plugins: [rasterSourcePlugin(), datasetPlugin()], pipeline: { worker: false } }));
    const { user } = await userWithKey(db, "ada");
    id = (
      await db.prisma.resource.create({
        data: {
          type: "dataset",
          name: "Gauges",
          owner_id: user.id,
          access_modifier: "Public",
          dataset: { create: { subtype: "vector", srid: "EPSG:4326", attribute_set: { create: [{ attribute: "height", attribute_type: "xsd:double", display_order: 1, count: 3, min: "1", max: "9" }] } } },
        },
      })
    ).id;
  });

  afterAll(async () => {
    await db?.close();
  });

  it("a detail takes exclude[]=* with include[]: only the named fields", async () => {
    const res = await get(`/datasets/${id}/?exclude[]=*&include[]=pk&include[]=srid`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ dataset: { pk: String(id), srid: "EPSG:4326" } });
    const resource = await get(`/resources/${id}/?exclude[]=*&include[]=title&include[]=owner.username`);
    expect(resource.body).toEqual({ resource: { title: "Gauges", owner: expect.objectContaining({ username: "ada" }) } });
  });

  it("a detail drops an excluded field and keeps the rest", async () => {
    const res = await get(`/datasets/${id}/?exclude[]=abstract&exclude[]=attribute_set`);
    expect(res.body.dataset).not.toHaveProperty("abstract");
    expect(res.body.dataset).not.toHaveProperty("attribute_set");
    expect(res.body.dataset).toMatchObject({ pk: String(id), title: "Gauges", srid: "EPSG:4326" });
  });

  it("the dataset list defers attribute_set until include[] asks; the detail renders it", async () => {
    expect((await get("/datasets/")).body.datasets[0]).not.toHaveProperty("attribute_set");
    const listed = (await get("/datasets/?include[]=attribute_set")).body.datasets[0];
    expect(listed.attribute_set).toEqual([expect.objectContaining({ attribute: "height", attribute_type: "xsd:double", min: "1", max: "9" })]);
    expect((await get(`/datasets/${id}/`)).body.dataset.attribute_set).toHaveLength(1);
  });

  it("a field the serializer lacks is a 400 on a typed list and a detail alike", async () => {
    for (const path of ["/datasets/?include[]=nope", `/datasets/${id}/?include[]=nope`]) {
      const res = await get(path);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, code: "invalid" });
    }
  });
});
