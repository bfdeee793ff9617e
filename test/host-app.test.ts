import express from "express";
import request from "supertest";
import { createAssetRouter, createTestDatabase, type Database } from "@assets/core";
import { createTestPipeline, testLogger, userWithKey } from "./helpers/app.js";

describe("the asset router embedded in a host Express app at /cms", () => {
  let db: Database;
  let app: express.Express;
  let adminAuth: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = express();
    const seen: string[] = [];
    app.use((req, _res, next) => {
      seen.push(req.path);
      next();
    });
    app.get("/hello", (_req, res) => {
      res.json({ hello: "host", requests: seen.length });
    });
    app.use("/cms", createAssetRouter({ pipeline: await createTestPipeline(db), logger: testLogger }));
    app.get("/after", (_req, res) => {
      res.json({ after: true });
    });
    ({ auth: adminAuth } = await userWithKey(db, "admin", { superuser: true }));
  });
  afterAll(async () => {
    await db.close();
  });

  it("serves the host's own routes and middleware beside the router", async () => {
    const res = await request(app).get("/hello");
    expect(res.status).toBe(200);
    expect(res.body.hello).toBe("host");
    expect(res.body.requests).toBeGreaterThanOrEqual(1);
  });

  it("leaves host routes after the router alone, even with credentials the router would refuse", async () => {
    const res = await request(app).get("/after").set("Authorization", "Bearer not-a-key");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ after: true });
  });

  it("answers /cms/health with database and queue status", async () => {
    const res = await request(app).get("/cms/health");
    expect(res.status).toBe(200);
    expect(res.body.database.status).toBe("ok");
  });

  it("creates a resource and links it under the mount path", async () => {
    const created = await request(app)
      .post("/cms/resources")
      .set(adminAuth)
      .set("Content-Type", "application/vnd.api+json")
      .send(JSON.stringify({ data: { type: "resource", attributes: { name: "Demo map", access_modifier: 0 } } }));
    expect(created.status).toBe(201);
    expect(created.body.data.attributes.access_modifier).toBe("Public");
    expect(created.body.data.links.self).toMatch(/\/cms\/resources\/\d+$/);
    expect(created.headers["location"]).toBe(created.body.data.links.self);

    const anonymous = await request(app).get(`/cms/resources/${created.body.data.id}`).set("Accept", "application/vnd.api+json");
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers["content-type"]).toMatch(/^application\/vnd\.api\+json/);
    expect(anonymous.body.data.attributes.writable).toBe(false);
  });

  it("rejects a bad key with a JSON:API 401 instead of treating the caller as anonymous", async () => {
    const res = await request(app).get("/cms/resources").set("Authorization", "Bearer ak_nope");
    expect(res.status).toBe(401);
    expect(res.body.errors[0]).toMatchObject({ status: "401", code: "UNAUTHENTICATED" });
  });

  it("answers malformed JSON with a 400 error object, not a 500", async () => {
    const res = await request(app).post("/cms/resources").set(adminAuth).set("Content-Type", "application/json").send("{not json");
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe("INVALID_BODY");
  });

  it("answers an invalid attribute with a 400 pointing at it", async () => {
    const res = await request(app)
      .post("/cms/resources")
      .set(adminAuth)
      .send({ data: { type: "resource", attributes: { name: "x", access_modifier: "Secret" } } });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].source.pointer).toBe("/data/attributes/access_modifier");
  });

  it("puts a request id on every response", async () => {
    const res = await request(app).get("/cms/health").set("X-Request-Id", "trace-123");
    expect(res.headers["x-request-id"]).toBe("trace-123");
  });
});

describe("a host's own users signing in through `authenticate`", () => {
  let db: Database;
  let app: express.Express;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = express();
    // The host's session: here a header naming the signed-in user, as a session middleware would set req.user.
    app.use((req, _res, next) => {
      const name = req.get("x-host-user");
      (req as express.Request & { user?: { name: string; email: string } }).user = name ? { name, email: `${name}@host.example` } : undefined;
      next();
    });
    const pipeline = await createTestPipeline(db);
    const user = (req: express.Request) => (req as express.Request & { user?: { name: string; email: string } }).user;
    app.use("/cms", createAssetRouter({ pipeline, logger: testLogger, authenticate: (req) => (user(req) ? { username: user(req)!.name, email: user(req)!.email, provision: true } : null) }));
    app.use("/strict", createAssetRouter({ pipeline, logger: testLogger, authenticate: (req) => (user(req) ? { username: user(req)!.name } : null) }));
  });
  afterAll(async () => {
    await db.close();
  });

  it("provisions a user the asset database has not seen, once, and acts as that user", async () => {
    const [first, second] = await Promise.all([
      request(app).post("/cms/resources").set("x-host-user", "hilda").send({ data: { type: "resource", attributes: { name: "Hilda's map" } } }),
      request(app).post("/cms/resources").set("x-host-user", "hilda").send({ data: { type: "resource", attributes: { name: "Hilda's chart" } } }),
    ]);
    expect([first.status, second.status]).toEqual([201, 201]);
    const users = await db.prisma.user.findMany({ where: { username: "hilda" } });
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ email: "hilda@host.example", is_superuser: false });
    const owned = await db.prisma.resource.findMany({ where: { owner_id: users[0]!.id }, orderBy: { name: "asc" } });
    expect(owned.map((r) => r.name)).toEqual(["Hilda's chart", "Hilda's map"]);
  });

  it("answers 401 for an unknown user when the identity does not ask to provision it", async () => {
    const res = await request(app).get("/strict/resources").set("x-host-user", "stranger");
    expect(res.status).toBe(401);
    expect(res.body.errors[0]).toMatchObject({ code: "UNAUTHENTICATED", detail: "The signed-in user is unknown here" });
    expect(await db.prisma.user.count({ where: { username: "stranger" } })).toBe(0);
  });

  it("falls back to anonymous when the host has no signed-in user", async () => {
    const res = await request(app).get("/cms/resources");
    expect(res.status).toBe(200);
  });
});
