import { jest } from "@jest/globals";
import type { Express } from "express";
import request from "supertest";
import { UploadService, issueApiKey, type Database, type UploadState } from "@assets/core";
import { apidatatoolsPlugin } from "@assets/apidatatools";
import { createTestApp, userWithKey } from "./helpers/app.js";

/** Unix seconds of the seeded rows, in the reference's range; higher is newer. */
const T = 1712345678;
const at = (seconds: number) => new Date(seconds * 1000);

describe("apidatatools List Uploads API (GET /list-uploads-api)", () => {
  let db: Database;
  let app: Express;
  let alice: { id: number; key: string; readKey: string };
  let bobKey: string;
  let bobId: number;
  /** upload uuid by a short name, for readable expectations. */
  const uuids: Record<string, string> = {};

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ plugins: [apidatatoolsPlugin()] }));
    const a = await userWithKey(db, "alice");
    alice = { id: a.user.id, key: a.key, readKey: (await issueApiKey(db.prisma, a.user.id, { scopes: ["read"] })).secret };
    const b = await userWithKey(db, "bob");
    bobId = b.user.id;
    bobKey = b.key;
    const publicResource = await db.prisma.resource.create({ data: { type: "note", name: "public", owner_id: bobId, access_modifier: "Public" } });
    const privateResource = await db.prisma.resource.create({ data: { type: "note", name: "private", owner_id: bobId, access_modifier: "Private" } });

    const seed = async (name: string, state: UploadState, created: number, extra: Record<string, unknown> = {}) => {
      const row = await db.prisma.upload.create({
        data: { filename: `${name}.csv`, state, uploader_id: alice.id, created_at: at(created), storage_key: `objects/aa/bb/${name}`, size: BigInt(created - T + 100), ...extra },
      });
      uuids[name] = row.uuid;
    };
    await seed("committed", "committed", T + 10);
    await seed("rejected", "rejected", T + 20);
    await seed("received", "received", T + 30);
    await seed("processing", "processing", T + 40);
    await seed("retry", "retry", T + 50);
    const future = Math.floor(Date.now() / 1000) + 3600;
    await seed("pending", "requested", T + 60, { storage_key: null, size: null, expires_at: at(future) });
    await seed("expired", "requested", T + 70, { storage_key: null, size: null, expires_at: at(T + 71) });
    await seed("bob-private", "committed", T + 80, { uploader_id: bobId, resource_id: privateResource.id });
    await seed("bob-public", "committed", T + 90, { uploader_id: bobId, resource_id: publicResource.id });
    await seed("bob-own", "rejected", T + 100, { uploader_id: bobId });
  });
  afterAll(() => db.close());

  const list = (headers: Record<string, string>) => request(app).get("/list-uploads-api").set(headers);
  const names = (body: { uploads: { upload_id: string }[] }) => body.uploads.map((u) => Object.entries(uuids).find(([, uuid]) => uuid === u.upload_id)?.[0]);

  it("answers 401 {\"error\":\"Unauthorized\"} without a valid x-api-key", async () => {
    const revoked = await issueApiKey(db.prisma, alice.id);
    await db.prisma.apiKey.update({ where: { id: revoked.id }, data: { revoked_at: new Date() } });
    const cases: Record<string, string>[] = [
      {},
      { "x-api-key": "not-a-key" },
      { "x-api-key": `${alice.key.slice(0, -4)}AAAA` },
      { "x-api-key": revoked.secret },
      { Authorization: `Bearer ${alice.key}` }, // the profile's credential is the x-api-key header
    ];
    for (const headers of cases) {
      const res = await list(headers);
      expect(res.status).toBe(401);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.body).toEqual({ error: "Unauthorized" });
    }
  });

  it("lists the caller's uploads newest first in apidatatools' shape, omitting expired requests", async () => {
    const res = await list({ "x-api-key": alice.key });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(["uploads"]);
    expect(names(res.body)).toEqual(["pending", "retry", "processing", "received", "rejected", "committed"]);
    const byName = Object.fromEntries(res.body.uploads.map((u: { upload_id: string }) => [names({ uploads: [u] })[0], u]));
    expect(byName.committed).toEqual({
      upload_id: uuids.committed,
      user_id: String(alice.id),
      status: "completed",
      filename: "committed.csv",
      s3_key: "objects/aa/bb/committed",
      file_size: 110,
      created_at: T + 10,
      expires_at: null,
    });
    expect(byName.pending).toEqual({
      upload_id: uuids.pending,
      user_id: String(alice.id),
      status: "pending",
      filename: "pending.csv",
      s3_key: null,
      file_size: null,
      created_at: T + 60,
      expires_at: expect.any(Number),
    });
    expect(byName.pending.expires_at).toBeGreaterThan(Date.now() / 1000);
    expect(res.body.uploads.map((u: { status: string }) => u.status)).toEqual(["pending", "processing", "processing", "processing", "failed", "completed"]);
    // As in the reference's example, every record is the caller's.
    expect(new Set(res.body.uploads.map((u: { user_id: string }) => u.user_id))).toEqual(new Set([String(alice.id)]));
  });

  it("filters by x-upload-status in apidatatools' words, inside the same permissions", async () => {
    const by = async (status: string) => {
      const res = await list({ "x-api-key": alice.key, "x-upload-status": status });
      expect(res.status).toBe(200);
      return names(res.body);
    };
    expect(await by("completed")).toEqual(["committed"]);
    expect(await by("pending")).toEqual(["pending"]);
    expect(await by("processing")).toEqual(["retry", "processing", "received"]);
    expect(await by("failed")).toEqual(["rejected"]);
    expect(await by("Completed")).toEqual(["committed"]);
    expect(await by("")).toHaveLength(6);
  });

  it("answers 400 with an error naming the allowed values for an unknown x-upload-status", async () => {
    for (const status of ["committed", "done", "pending,failed"]) {
      const res = await list({ "x-api-key": alice.key, "x-upload-status": status });
      expect(res.status).toBe(400);
      expect(Object.keys(res.body)).toEqual(["error"]);
      expect(res.body.error).toContain("x-upload-status");
      expect(res.body.error).toContain("pending, processing, completed, failed");
    }
  });

  // The reference: "retrieves upload records for the authenticated user".
  it("lists only the caller's own uploads, not others' they may view (Public resources); a superuser's lists everyone's", async () => {
    const bob = await list({ "x-api-key": bobKey });
    expect(names(bob.body)).toEqual(["bob-own", "bob-public", "bob-private"]);
    const readOnly = await list({ "x-api-key": alice.readKey });
    expect(readOnly.status).toBe(200);
    expect(names(readOnly.body)).toEqual(["pending", "retry", "processing", "received", "rejected", "committed"]);
    const { key: rootKey } = await userWithKey(db, "root", { superuser: true });
    const all = await list({ "x-api-key": rootKey });
    expect(names(all.body)).toEqual(["bob-own", "bob-public", "bob-private", "pending", "retry", "processing", "received", "rejected", "committed"]);
    expect(await db.prisma.upload.count()).toBe(10); // the expired request exists; the list leaves it out
  });

  it("ignores query parameters (the profile takes none; DRF-style routes ignore undeclared ones too)", async () => {
    const res = await request(app).get("/list-uploads-api?page=abc&page_size=0&foo=1").set("x-api-key", alice.key);
    expect(res.status).toBe(200);
    expect(names(res.body)).toHaveLength(6);
  });

  it("answers other methods with 405 in the profile's error shape", async () => {
    const res = await request(app).post("/list-uploads-api").set("x-api-key", alice.key).send({});
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET");
    expect(res.body).toEqual({ error: "The List Uploads API only answers GET" });
  });

  it("answers 500 {\"error\":\"Failed to retrieve uploads\"} when the listing fails", async () => {
    const spy = jest.spyOn(UploadService.prototype, "list").mockRejectedValueOnce(new Error("connection to the database lost"));
    try {
      const res = await list({ "x-api-key": alice.key });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: "Failed to retrieve uploads" });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    expect((await list({ "x-api-key": alice.key })).status).toBe(200);
  });
});
