/** DatoCMS's bulk operations (`/datocms/uploads/bulk/*`): jobs of the core's job model, within the caller's permissions. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Express } from "express";
import request from "supertest";
import { issueApiKey, type Database } from "@assets/core";
import { imageAssetPlugin } from "@assets/image-asset";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { ingestAsset, solidImage } from "./helpers/datocms.js";

type Auth = Record<string, string>;

let db: Database;
let app: Express;
let dir: string;
let owner: Auth;
let stranger: Auth;
let reader: Auth;
const assets: Record<string, number> = {};

beforeAll(async () => {
  ({ db, app } = await createTestApp({ plugins: [imageAssetPlugin()] }));
  dir = await mkdtemp(join(tmpdir(), "datocms-bulk-"));
  const ownerKey = await userWithKey(db, "owner");
  owner = ownerKey.auth;
  ({ auth: stranger } = await userWithKey(db, "stranger"));
  // A read-only key of the owner: it sees the owner's assets and may change none.
  reader = { Authorization: `Bearer ${(await issueApiKey(db.prisma, ownerKey.user.id, { scopes: ["read"] })).secret}` };
  assets.a = await ingestAsset(app, db, owner, await solidImage(dir, "a.png", 10, 10), { tags: "old" });
  assets.b = await ingestAsset(app, db, owner, await solidImage(dir, "b.png", 12, 10));
  assets.theirs = await ingestAsset(app, db, stranger, await solidImage(dir, "theirs.png", 14, 10), { tags: "theirs" });
}, 120_000);

afterAll(async () => {
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const api = (method: "get" | "post", path: string, auth: Auth = owner) => request(app)[method](`/datocms${path}`).set(auth).set("Accept", "application/json").set("X-Api-Version", "3");
const uploads = (...ids: (number | string)[]) => ({ data: ids.map((id) => ({ type: "upload", id: String(id) })) });

/** Posts a bulk operation, expects a 202 job, waits for its job result and returns it with the core's view of the job. */
async function bulk(path: string, data: Record<string, unknown>, auth: Auth = owner) {
  const res = await api("post", `/uploads/bulk/${path}`, auth).send({ data });
  expect(res.status).toBe(202);
  expect(res.body).toEqual({ data: { type: "job", id: expect.any(String) } });
  const id = res.body.data.id as string;
  // As the official client does: a 404 means "not finished yet" (the job runs on the pipeline's queue).
  let result = await api("get", `/job-results/${id}`, auth);
  for (const deadline = Date.now() + 20_000; result.status === 404 && Date.now() < deadline; result = await api("get", `/job-results/${id}`, auth)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const job = await request(app).get(`/jobs/${id}`).set(auth);
  return { id, result, job };
}

async function tagsOf(id: number): Promise<string[]> {
  return (await db.prisma.resource.findUniqueOrThrow({ where: { id } })).tags;
}

describe("POST /datocms/uploads/bulk/tag", () => {
  it("adds tags to the caller's uploads, counting the others as failed, as one job of the core's job model", async () => {
    const { result, job } = await bulk("tag", { type: "upload_bulk_tag_operation", attributes: { tags: ["new", "old"] }, relationships: { uploads: uploads(assets.a, assets.b, assets.theirs, 999999, "not-an-id") } });
    expect(result.status).toBe(200);
    expect(result.body.data).toMatchObject({ type: "job_result", attributes: { status: 200, payload: { data: [], meta: { successful: 2, failed: 3 } } } });
    expect(job.status).toBe(200);
    expect(job.body.data.attributes).toMatchObject({ kind: "image-asset.bulk_tag", state: "succeeded", progress: 100 });
    expect(await tagsOf(assets.a)).toEqual(["old", "new"]);
    expect((await tagsOf(assets.b)).sort()).toEqual(["new", "old"]);
    expect(await tagsOf(assets.theirs)).toEqual(["theirs"]);
    const listed = await api("get", "/uploads?filter[fields][tags][contains]=new");
    expect(listed.body.data.map((u: { id: string }) => Number(u.id)).sort()).toEqual([assets.a, assets.b].sort());
  });

  it("shows the job to the one who started it only", async () => {
    const { id, result } = await bulk("tag", { type: "upload_bulk_tag_operation", attributes: { tags: ["x"] }, relationships: { uploads: uploads(assets.b) } });
    expect(result.status).toBe(200);
    expect((await api("get", `/job-results/${id}`, stranger)).status).toBe(404);
    expect((await request(app).get(`/jobs/${id}`).set(stranger)).status).toBe(404);
    expect((await request(app).get(`/jobs/${id}`)).status).toBe(404);
  });

  it("changes nothing with a read-only key: every id failed", async () => {
    const { result } = await bulk("tag", { type: "upload_bulk_tag_operation", attributes: { tags: ["ro"] }, relationships: { uploads: uploads(assets.a) } }, reader);
    expect(result.body.data.attributes.payload.meta).toEqual({ successful: 0, failed: 1 });
    expect(await tagsOf(assets.a)).not.toContain("ro");
  });

  it("refuses a malformed body in DatoCMS's error shape, with no job", async () => {
    const before = await db.prisma.job.count();
    const res = await api("post", "/uploads/bulk/tag").send({ data: { type: "upload_bulk_tag_operation", attributes: { tags: "x" }, relationships: { uploads: uploads(assets.a) } } });
    expect(res.status).toBe(422);
    expect(res.body.data[0].attributes).toMatchObject({ code: "INVALID_FIELD", details: { field: "tags" } });
    expect(await db.prisma.job.count()).toBe(before);
  });
});

describe("POST /datocms/uploads/bulk/set-upload-collection", () => {
  it("moves the caller's uploads into a collection and out again", async () => {
    const collection = await api("post", "/upload-collections").send({ data: { type: "upload_collection", attributes: { label: "Bulk" } } });
    const id = collection.body.data.id as string;
    const into = await bulk("set-upload-collection", {
      type: "upload_bulk_set_upload_collection_operation",
      relationships: { upload_collection: { data: { type: "upload_collection", id } }, uploads: uploads(assets.a, assets.theirs) },
    });
    expect(into.result.body.data.attributes.payload.meta).toEqual({ successful: 1, failed: 1 });
    const listed = await api("get", `/uploads?filter[fields][upload_collection][eq]=${id}`);
    expect(listed.body.data.map((u: { id: string }) => u.id)).toEqual([String(assets.a)]);
    expect((await api("get", `/uploads/${assets.theirs}`, stranger)).body.data.relationships.upload_collection.data).toBeNull();
    const out = await bulk("set-upload-collection", { type: "upload_bulk_set_upload_collection_operation", relationships: { upload_collection: { data: null }, uploads: uploads(assets.a) } });
    expect(out.result.body.data.attributes.payload.meta).toEqual({ successful: 1, failed: 0 });
    expect((await api("get", `/uploads/${assets.a}`)).body.data.relationships.upload_collection.data).toBeNull();
  });

  it("refuses an unknown collection with a 422 naming upload_collection", async () => {
    const res = await api("post", "/uploads/bulk/set-upload-collection").send({
      data: { type: "upload_bulk_set_upload_collection_operation", relationships: { upload_collection: { data: { type: "upload_collection", id: "999999" } }, uploads: uploads(assets.a) } },
    });
    expect(res.status).toBe(422);
    expect(res.body.data[0].attributes).toMatchObject({ code: "INVALID_FIELD", details: { field: "upload_collection" } });
  });
});

describe("POST /datocms/uploads/bulk/destroy", () => {
  it("deletes the caller's uploads only", async () => {
    const { result } = await bulk("destroy", { type: "upload_bulk_destroy_operation", relationships: { uploads: uploads(assets.b, assets.theirs) } });
    expect(result.body.data.attributes.payload.meta).toEqual({ successful: 1, failed: 1 });
    expect((await api("get", `/uploads/${assets.b}`)).status).toBe(404);
    expect(await db.prisma.resource.count({ where: { id: assets.b } })).toBe(0);
    expect((await api("get", `/uploads/${assets.theirs}`, stranger)).status).toBe(200);
  });
});
