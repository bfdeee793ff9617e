import request from "supertest";
import type { Express } from "express";
import type { Database } from "@assets/core";
import { createTestApp, userWithKey } from "./helpers/app.js";

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

/** Credentials: every accepted way to present a key, and 401 (never a silent anonymous) for bad ones. */
describe("API key authentication", () => {
  let db: Database;
  let app: Express;
  let key: string;
  let privateId: number;

  beforeAll(async () => {
    ({ db, app } = await createTestApp());
    const org = await db.prisma.organisation.create({ data: { name: "Org" } });
    ({ key } = await userWithKey(db, "member", { organisations: [{ id: org.id, role: "member" }] }));
    privateId = (await db.prisma.resource.create({ data: { type: "resource", name: "private", access_modifier: "Private", organisation_id: org.id } })).id;
  });
  afterAll(async () => {
    await db.close();
  });

  it.each([
    ["Authorization: Bearer", (k: string) => ({ Authorization: `Bearer ${k}` })],
    ["Authorization: Api-Key", (k: string) => ({ Authorization: `Api-Key ${k}` })],
    ["Authorization: Token", (k: string) => ({ Authorization: `Token ${k}` })],
    ["x-api-key", (k: string) => ({ "x-api-key": k })],
    ["Basic __key__", (k: string) => ({ Authorization: basic("__key__", k) })],
  ])("a valid key in %s signs the caller in", async (_label, headers) => {
    const res = await request(app).get(`/resources/${privateId}`).set(headers(key));
    expect(res.status).toBe(200);
  });

  it.each([
    ["an unknown key (Bearer)", { Authorization: "Bearer ak_0000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }],
    ["a malformed key (Bearer)", { Authorization: "Bearer not-a-key" }],
    ["an unknown key (x-api-key)", { "x-api-key": "ak_0000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }],
    ["an unknown key (Basic __key__)", { Authorization: basic("__key__", "ak_0000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") }],
    ["Basic with a username other than __key__", { Authorization: basic("member", "secret") }],
    ["an unsupported scheme", { Authorization: "Digest abc" }],
  ])("%s is a 401, not anonymous access", async (_label, headers) => {
    const res = await request(app).get("/resources").set(headers);
    expect(res.status).toBe(401);
    expect(res.body.errors[0].code).toBe("UNAUTHENTICATED");
  });

  it("a key with the right prefix but a wrong secret is a 401", async () => {
    const [prefix] = key.split(".");
    const res = await request(app).get("/resources").set("Authorization", `Bearer ${prefix}.${"B".repeat(32)}`);
    expect(res.status).toBe(401);
  });

  it("a key revoked through DELETE /api-keys/:id is a 401 in every form", async () => {
    const { key: doomed, auth } = await userWithKey(db, "leaver");
    const listed = await request(app).get("/api-keys").set(auth);
    const id = listed.body.data[0].id;
    const revoked = await request(app).delete(`/api-keys/${id}`).set(auth);
    expect(revoked.status).toBe(200);
    expect(revoked.body.data.attributes.revoked_at).toEqual(expect.any(String));
    for (const headers of [{ Authorization: `Bearer ${doomed}` }, { "x-api-key": doomed }, { Authorization: basic("__key__", doomed) }]) {
      const res = await request(app).get("/resources").set(headers);
      expect(res.status).toBe(401);
    }
  });
});
