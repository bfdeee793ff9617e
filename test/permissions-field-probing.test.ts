import request from "supertest";
import type { Express } from "express";
import type { Database } from "@assets/core";
import { createTestApp, userWithKey } from "./helpers/app.js";

/**
 * Filtering or sorting on a field the caller may not read is a 400, so a
 * filter cannot be used to probe values the caller cannot see: owners'
 * usernames for anonymous callers, uploaders' usernames for anyone but a
 * superuser (uploads never render them).
 */
describe("filter probing", () => {
  let db: Database;
  let app: Express;
  let member: Record<string, string>;
  let root: Record<string, string>;

  beforeAll(async () => {
    ({ db, app } = await createTestApp());
    const alice = await userWithKey(db, "alice");
    ({ auth: member } = await userWithKey(db, "member"));
    ({ auth: root } = await userWithKey(db, "root", { superuser: true }));
    const resource = await db.prisma.resource.create({ data: { type: "resource", name: "open", access_modifier: "Public", owner_id: alice.user.id } });
    await db.prisma.upload.create({ data: { filename: "a.tif", resource_id: resource.id, uploader_id: alice.user.id } });
  });
  afterAll(async () => {
    await db.close();
  });

  it.each([
    ["filter[fields][owner.username][eq]=alice", "filter[fields][owner.username][eq]"],
    ["filter[fields][owner.username][starts_with]=a", "filter[fields][owner.username][starts_with]"],
    ["order_by=owner.username_ASC", "order_by"],
  ])("anonymous: /resources?%s is a 400 naming the parameter", async (query, parameter) => {
    const res = await request(app).get(`/resources?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: "INVALID_PARAMETER", source: { parameter } });
    expect(res.body.errors[0].detail).toMatch(/may not (filter|sort) on field 'owner.username'/);
  });

  it("anonymous may still filter and sort on readable fields", async () => {
    const res = await request(app).get("/resources?filter[fields][name][eq]=open&order_by=name_ASC");
    expect(res.status).toBe(200);
    expect(res.body.meta.total_count).toBe(1);
  });

  it("a signed-in caller may filter and sort on owner.username", async () => {
    const res = await request(app).get("/resources?filter[fields][owner.username][eq]=alice&order_by=owner.username_DESC").set(member);
    expect(res.status).toBe(200);
    expect(res.body.data.map((d: { attributes: { name: string } }) => d.attributes.name)).toEqual(["open"]);
  });

  it.each([
    ["filter[fields][uploader.username][eq]=alice", "filter[fields][uploader.username][eq]"],
    ["order_by=uploader.username_DESC", "order_by"],
  ])("non-superusers: /uploads?%s is a 400", async (query, parameter) => {
    for (const headers of [{}, member]) {
      const res = await request(app).get(`/uploads?${query}`).set(headers);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].source).toEqual({ parameter });
    }
  });

  it("a superuser may filter uploads by uploader.username", async () => {
    const hit = await request(app).get("/uploads?filter[fields][uploader.username][eq]=alice").set(root);
    expect(hit.status).toBe(200);
    expect(hit.body.data.map((d: { attributes: { filename: string } }) => d.attributes.filename)).toEqual(["a.tif"]);
    const miss = await request(app).get("/uploads?filter[fields][uploader.username][eq]=bob").set(root);
    expect(miss.body.meta.total_count).toBe(0);
  });

  it("hashes stay filterable: they are rendered on every upload the caller can see", async () => {
    const res = await request(app).get("/uploads?filter[fields][sha256][exists]=false");
    expect(res.status).toBe(200);
    expect(res.body.meta.total_count).toBe(1);
  });
});
