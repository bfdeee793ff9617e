/** DatoCMS's `PUT /datocms/uploads/:id` over HTTP: the job it answers, its checks and its permissions. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Express } from "express";
import request from "supertest";
import type { Database } from "@assets/core";
import { imageAssetPlugin } from "@assets/image-asset";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { ingestAsset, solidImage } from "./helpers/datocms.js";

type Auth = Record<string, string>;

/** This file asks many questions quickly; DatoCMS's 60 per 3 s is test/datocms-rate-limit.test.ts's subject. */
const UNLIMITED = { limit: 1_000_000, windowMs: 1000 };

let db: Database;
let app: Express;
let dir: string;
let owner: Auth;
let stranger: Auth;
let id: string;

beforeAll(async () => {
  ({ db, app } = await createTestApp({ plugins: [imageAssetPlugin({ rateLimit: UNLIMITED, locales: ["en", "it", "fr"] })] }));
  dir = await mkdtemp(join(tmpdir(), "datocms-update-"));
  ({ auth: owner } = await userWithKey(db, "owner"));
  ({ auth: stranger } = await userWithKey(db, "stranger"));
  const metadata = JSON.stringify({ en: { alt: "A red square", title: "Red" }, it: { alt: "Un quadrato rosso" } });
  id = String(await ingestAsset(app, db, owner, await solidImage(dir, "red.png", 40, 30), { author: "Ada", default_field_metadata: metadata }));
}, 120_000);

afterAll(async () => {
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const put = (body: unknown, auth: Auth = owner, target = id) => request(app).put(`/datocms/uploads/${target}`).set(auth).set("Content-Type", "application/json").send(JSON.stringify(body));
const upload = (attributes: Record<string, unknown>, relationships?: Record<string, unknown>) => ({ data: { type: "upload", id, attributes, ...(relationships ? { relationships } : {}) } });
/** The upload's attributes but `url` (supertest gives each request a server on a port of its own). */
async function attributes(): Promise<Record<string, unknown>> {
  const { url: _url, ...rest } = (await request(app).get(`/datocms/uploads/${id}`).set(owner)).body.data.attributes;
  return rest;
}

describe("PUT /datocms/uploads/:id", () => {
  it("answers 202 with a job whose job_result carries the updated upload", async () => {
    const res = await put(upload({ copyright: "2026 Us", default_field_metadata: { it: { focal_point: { x: 0, y: 1 } } } }));
    expect(res.status).toBe(202);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.body).toEqual({ data: { type: "job", id: expect.any(String) } });
    const result = await request(app).get(`/datocms/job-results/${res.body.data.id}`).set(owner);
    expect(result.status).toBe(200);
    expect(result.body.data).toMatchObject({ type: "job_result", id: res.body.data.id, attributes: { status: 200, payload: { data: { type: "upload", id } } } });
    const updated = result.body.data.attributes.payload.data.attributes;
    // Only what was given changed; the other locales and the other keys of this one stayed, every site locale filled as DatoCMS fills it.
    expect(updated).toMatchObject({ copyright: "2026 Us", author: "Ada" });
    const blank = { alt: null, title: null, custom_data: {}, focal_point: null };
    expect(updated.default_field_metadata).toEqual({
      en: { ...blank, alt: "A red square", title: "Red" },
      it: { ...blank, alt: "Un quadrato rosso", focal_point: { x: 0, y: 1 } },
      fr: blank,
    });
    expect(await attributes()).toMatchObject({ copyright: "2026 Us", default_field_metadata: updated.default_field_metadata });
  });

  it("keeps the list's alt/title filters in step with default_field_metadata", async () => {
    const found = async (query: string) => (await request(app).get(`/datocms/uploads?${query}`).set(owner)).body.data.map((u: { id: string }) => u.id);
    expect(await found("filter[fields][alt][matches][pattern]=quadrato&locale=it")).toEqual([id]);
    expect((await put(upload({ default_field_metadata: { it: { alt: "Un gatto" }, fr: { title: "Un carré" } } }))).status).toBe(202);
    expect(await found("filter[fields][alt][matches][pattern]=quadrato&locale=it")).toEqual([]);
    expect(await found("filter[fields][alt][matches][pattern]=gatto&locale=it")).toEqual([id]);
    expect(await found("filter[query]=carré&locale=fr")).toEqual([id]);
    expect(await found("filter[fields][alt][matches][pattern]=red square")).toEqual([id]);
  });

  it.each([
    [{ default_field_metadata: { en: { focal_point: { x: -0.1, y: 0.5 } } } }, "default_field_metadata.en.focal_point.x"],
    [{ default_field_metadata: { en: { focal_point: { x: 0.5 } } } }, "default_field_metadata.en.focal_point.y"],
    [{ default_field_metadata: { en: { alt: 3 } } }, "default_field_metadata.en.alt"],
    [{ tags: "cats" }, "tags"],
    [{ default_field_metadata: { de: { alt: "Ein rotes Quadrat" } } }, "default_field_metadata"],
    [{ basename: "  " }, "basename"],
  ])("refuses %j with 422 INVALID_FIELD naming %s, changing nothing", async (given, field) => {
    const before = await attributes();
    const res = await put(upload(given));
    expect(res.status).toBe(422);
    expect(res.body.data[0].attributes).toMatchObject({ code: "INVALID_FIELD", details: expect.objectContaining({ field }) });
    expect(await attributes()).toEqual(before);
  });

  it("renames the file by basename: filename, path and url change, the extension, the directory and the id stay", async () => {
    const before = (await request(app).get(`/datocms/uploads/${id}`).set(owner)).body.data.attributes;
    expect(before).toMatchObject({ basename: "red", filename: "red.png" });
    const job = await put(upload({ basename: "crimson square" }));
    expect(job.status).toBe(202);
    const result = (await request(app).get(`/datocms/job-results/${job.body.data.id}`).set(owner)).body.data.attributes;
    expect(result.status).toBe(200);
    const after = (await request(app).get(`/datocms/uploads/${id}`).set(owner)).body.data.attributes;
    expect(after).toMatchObject({ basename: "crimson square", filename: "crimson square.png", md5: before.md5, size: before.size });
    const directory = (path: string) => path.slice(0, path.lastIndexOf("/") + 1);
    expect(after.path).toBe(`${directory(before.path)}crimson square.png`);
    expect(after.url.endsWith(`/datocms/assets${after.path}`)).toBe(true);
    // The delivery route follows the new path; the old one is gone.
    expect((await request(app).get(`/datocms/assets${encodeURI(after.path)}`).set(owner)).status).toBe(200);
    expect((await request(app).get(`/datocms/assets${encodeURI(before.path)}`).set(owner)).status).toBe(404);
    // A slash names no directory.
    await put(upload({ basename: "../red" }));
    const climbed = (await request(app).get(`/datocms/uploads/${id}`).set(owner)).body.data.attributes;
    expect(climbed.filename).not.toContain("/");
    expect(climbed.path).toBe(`${directory(before.path)}${climbed.filename}`);
    await put(upload({ basename: "red" }));
  });

  it("sets and clears the upload collection; a collection that does not exist is a 422", async () => {
    const made = await request(app).post("/datocms/upload-collections").set(owner).send({ data: { type: "upload_collection", attributes: { label: "Cats" } } });
    expect(made.status).toBe(201);
    const collection = made.body.data.id as string;
    const link = (value: unknown) => put(upload({}, { upload_collection: { data: value } }));
    expect((await link({ type: "upload_collection", id: collection })).status).toBe(202);
    let found = await request(app).get(`/datocms/uploads/${id}`).set(owner);
    expect(found.body.data.relationships.upload_collection).toEqual({ data: { type: "upload_collection", id: collection } });
    const missing = await link({ type: "upload_collection", id: "999999" });
    expect(missing.status).toBe(422);
    expect(missing.body.data[0].attributes.details.field).toBe("upload_collection");
    expect((await link(null)).status).toBe(202);
    found = await request(app).get(`/datocms/uploads/${id}`).set(owner);
    expect(found.body.data.relationships.upload_collection).toEqual({ data: null });
  });

  it("is a 404 to a caller who may not read the upload, and so is the job of someone else's update", async () => {
    const before = await attributes();
    const res = await put(upload({ notes: "mine now" }), stranger);
    expect(res.status).toBe(404);
    expect(res.body.data[0].attributes.code).toBe("NOT_FOUND");
    expect(await attributes()).toEqual(before);
    const job = (await put(upload({ notes: "owner's note" }))).body.data.id as string;
    expect((await request(app).get(`/datocms/job-results/${job}`).set(stranger)).status).toBe(404);
    // The core's /jobs shows the update job to whoever asked for it (Job.user_id), to no one else.
    expect((await request(app).get(`/jobs/${job}`).set(owner)).status).toBe(200);
    expect((await request(app).get(`/jobs/${job}`).set(stranger)).status).toBe(404);
  });

  it("GET /uploads/:id/references: [] (nothing references an upload here), a 404 to a caller who may not read it", async () => {
    const res = await request(app).get(`/datocms/uploads/${id}/references`).set(owner);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.body).toEqual({ data: [] });
    const hidden = await request(app).get(`/datocms/uploads/${id}/references`).set(stranger);
    expect(hidden.status).toBe(404);
    expect(hidden.body.data[0].attributes.code).toBe("NOT_FOUND");
  });

  it("refuses a path that is not one of the caller's upload requests with a 404", async () => {
    const res = await put(upload({ path: "/00000000-0000-4000-8000-000000000000/x.png" }));
    expect(res.status).toBe(404);
    expect(res.body.data[0].attributes.code).toBe("NOT_FOUND");
  });
});
