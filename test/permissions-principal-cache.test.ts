import request from "supertest";
import express, { type Express } from "express";
import { createAssetRouter, createTestDatabase, type Database } from "@assets/core";
import { createTestPipeline, testLogger, userWithKey } from "./helpers/app.js";

const doc = (type: string, attributes: Record<string, unknown>) => ({ data: { type, attributes } });

async function appWith(db: Database, principalCacheMs?: number): Promise<Express> {
  const pipeline = await createTestPipeline(db);
  const app = express();
  app.use("/", createAssetRouter({ pipeline, logger: testLogger, principalCacheMs }));
  return app;
}

/**
 * The router keeps a verified key's user, roles and groups for a few seconds
 * (`principalCacheMs`). Changes through the API must show on the very next
 * request in this process; grants are never cached.
 */
describe("cached API key principals", () => {
  let db: Database;
  let app: Express;
  let root: Record<string, string>;
  let orgId: number;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await appWith(db, 60_000); // long enough that only invalidation can explain a fresh read
    orgId = (await db.prisma.organisation.create({ data: { name: "Org" } })).id;
    ({ auth: root } = await userWithKey(db, "root", { superuser: true }));
  });
  afterAll(async () => {
    await db.close();
  });

  const resource = (name: string, data: Record<string, unknown>) => db.prisma.resource.create({ data: { type: "resource", name, ...data } });

  it("a key used a moment ago and then revoked is a 401 on the next request", async () => {
    const { auth } = await userWithKey(db, "leaver");
    expect((await request(app).get("/resources").set(auth)).status).toBe(200);
    const id = (await request(app).get("/api-keys").set(auth)).body.data[0].id;
    expect((await request(app).delete(`/api-keys/${id}`).set(auth)).status).toBe(200);
    expect((await request(app).get("/resources").set(auth)).status).toBe(401);
  });

  it("organisation roles changed through the API apply on the next request", async () => {
    const { user, auth } = await userWithKey(db, "joiner");
    const secret = await resource("org private", { access_modifier: "Private", organisation_id: orgId });
    expect((await request(app).get(`/resources/${secret.id}`).set(auth)).status).toBe(404);
    expect((await request(app).post(`/organisations/${orgId}/members`).set(root).send(doc("organisation_membership", { user_id: user.id }))).status).toBe(201);
    expect((await request(app).get(`/resources/${secret.id}`).set(auth)).status).toBe(200);
    expect((await request(app).delete(`/organisations/${orgId}/members/${user.id}`).set(root)).status).toBe(204);
    expect((await request(app).get(`/resources/${secret.id}`).set(auth)).status).toBe(404);
  });

  it("group membership changed through the API applies on the next request (grants to the group)", async () => {
    const { user, auth } = await userWithKey(db, "grouped");
    const group = await db.prisma.group.create({ data: { name: "readers" } });
    const hidden = await resource("group hidden", { access_modifier: "Hidden" });
    await db.prisma.permissionGrant.create({ data: { resource_id: hidden.id, subject_type: "group", group_id: group.id, permission: "view" } });
    expect((await request(app).get(`/resources/${hidden.id}`).set(auth)).status).toBe(404);
    expect((await request(app).post(`/groups/${group.id}/members`).set(root).send(doc("group_membership", { user_id: user.id }))).status).toBe(201);
    expect((await request(app).get(`/resources/${hidden.id}`).set(auth)).status).toBe(200);
    expect((await request(app).delete(`/groups/${group.id}/members/${user.id}`).set(root)).status).toBe(204);
    expect((await request(app).get(`/resources/${hidden.id}`).set(auth)).status).toBe(404);
  });

  it("superuser status changed through the API applies on the next request", async () => {
    const { user, auth } = await userWithKey(db, "promoted");
    const hidden = await resource("nobody's", { access_modifier: "Hidden" });
    expect((await request(app).get(`/resources/${hidden.id}`).set(auth)).status).toBe(404);
    expect((await request(app).patch(`/users/${user.id}`).set(root).send(doc("user", { is_superuser: true }))).status).toBe(200);
    expect((await request(app).get(`/resources/${hidden.id}`).set(auth)).status).toBe(200);
  });

  it("grants are read on every request, even for a cached key", async () => {
    const { user, auth } = await userWithKey(db, "grantee");
    const hidden = await resource("granted", { access_modifier: "Hidden" });
    expect((await request(app).get(`/resources/${hidden.id}`).set(auth)).status).toBe(404);
    const grant = await db.prisma.permissionGrant.create({ data: { resource_id: hidden.id, subject_type: "user", user_id: user.id, permission: "view" } });
    expect((await request(app).get(`/resources/${hidden.id}`).set(auth)).status).toBe(200);
    await db.prisma.permissionGrant.delete({ where: { id: grant.id } });
    expect((await request(app).get(`/resources/${hidden.id}`).set(auth)).status).toBe(404);
  });

  it("a change made straight in the database shows once the entry expires (the multi-process delay)", async () => {
    const short = await appWith(db, 1000);
    const { key, auth } = await userWithKey(db, "elsewhere");
    expect((await request(short).get("/resources").set(auth)).status).toBe(200);
    await db.prisma.apiKey.update({ where: { prefix: key.slice(3, 13) }, data: { revoked_at: new Date() } });
    expect((await request(short).get("/resources").set(auth)).status).toBe(200); // still cached: no in-process invalidation
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await request(short).get("/resources").set(auth)).status).toBe(401);
  });

  it("with principalCacheMs 0 every request reads the key again", async () => {
    const uncached = await appWith(db, 0);
    const { key, auth } = await userWithKey(db, "uncached");
    expect((await request(uncached).get("/resources").set(auth)).status).toBe(200);
    await db.prisma.apiKey.update({ where: { prefix: key.slice(3, 13) }, data: { revoked_at: new Date() } });
    expect((await request(uncached).get("/resources").set(auth)).status).toBe(401);
  });
});
