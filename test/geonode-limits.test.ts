import type { Express } from "express";
import request from "supertest";
import type { Database, Pipeline } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { notesPlugin } from "./helpers/pipeline.js";

// GeoNode's upload limits live in its profile now: /api/v2/upload-size-limits/ and
// /api/v2/upload-parallelism-limits/, read-only, from the pipeline's limits.
describe("GeoNode profile: upload limits under /api/v2", () => {
  let db: Database;
  let app: Express;
  let pipeline: Pipeline;
  let auth: Record<string, string>;

  beforeAll(async () => {
    ({ db, app, pipeline } = await createTestApp({ plugins: [notesPlugin, rasterSourcePlugin(), datasetPlugin()], pipeline: { limits: { maxUploadSize: 3 * 1024 ** 3, maxParallelUploads: 7 } } }));
    ({ auth } = await userWithKey(db, "uploader"));
  });
  afterAll(async () => {
    await db.close();
  });

  it("lists the global size limit and each type's own, in dynamic-rest's envelope", async () => {
    const res = await request(app).get("/api/v2/upload-size-limits/").set(auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      links: { next: null, previous: null },
      total: 2,
      page: 1,
      page_size: 2,
      "upload-size-limits": [
        { slug: "default_max_upload_size", description: expect.any(String), max_size: 3 * 1024 ** 3, max_size_label: "3.0 GB" },
        { slug: "png-image_upload_size", description: expect.any(String), max_size: 4096, max_size_label: "4.0 KB" },
      ],
    });
    expect(pipeline.limits.maxUploadSize).toBe(3 * 1024 ** 3);
  });

  it("answers one limit under its singular key, with or without the trailing slash", async () => {
    for (const path of ["/api/v2/upload-parallelism-limits/default_max_parallel_uploads", "/api/v2/upload-parallelism-limits/default_max_parallel_uploads/"]) {
      const res = await request(app).get(path);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ "upload-parallelism-limit": { slug: "default_max_parallel_uploads", description: expect.any(String), max_number: 7 } });
    }
  });

  it("refuses writes and unknown slugs in GeoNode's error shape", async () => {
    const post = await request(app).post("/api/v2/upload-size-limits/").set(auth).send({ slug: "x", max_size: 1 });
    expect(post.status).toBe(405);
    expect(post.body).toEqual({ success: false, errors: ['Method "POST" not allowed.'], code: "method_not_allowed" });
    const missing = await request(app).get("/api/v2/upload-size-limits/nope/");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ success: false, errors: ["Not found."], code: "not_found" });
  });

  it("answers a path no /api/v2 route serves with GeoNode's 404, and the core no longer serves the limits", async () => {
    const res = await request(app).get("/api/v2/no-such-endpoint/");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ success: false, errors: ["Not found."], code: "not_found" });
    expect((await request(app).get("/upload-size-limits")).status).toBe(404);
  });

  it("renders a bad API key under /api/v2 in GeoNode's shape", async () => {
    const res = await request(app).get("/api/v2/upload-size-limits/").set("Authorization", "Bearer not-a-key");
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ success: false, code: "not_authenticated" });
  });
});
