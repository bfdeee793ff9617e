import request from "supertest";
import type { Response } from "supertest";
import type { Express } from "express";
import type { Database } from "@assets/core";
import { hostileApp, type HostileSeed } from "./helpers/hostile-app.js";

/** Example-based regressions for what test/hostile-input.test.ts found: each of these answered 500. */

let db: Database;
let app: Express;
let rootAuth: Record<string, string>;
let aliceAuth: Record<string, string>;
let seeded: HostileSeed;

beforeAll(async () => {
  ({ db, app, rootAuth, aliceAuth, seeded } = await hostileApp());
});
afterAll(async () => {
  await db.close();
});

describe("hostile input that used to be a 500", () => {
  const json = (body: unknown) => JSON.stringify(body);
  const expect400 = (res: Response, pointerOrParameter: { pointer?: string; parameter?: string; header?: string }) => {
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ status: "400", source: pointerOrParameter });
  };

  it("a filter on `__proto__` or `constructor` is an unknown field, not Object.prototype", async () => {
    for (const field of ["__proto__", "constructor", "toString"]) {
      const res = await request(app).get(`/resources?filter[fields][${field}][eq]=0`).set(rootAuth);
      expect400(res, { parameter: `filter[fields][${field}][eq]` });
      expect(res.body.errors[0].detail).toContain(`Unknown filter field '${field}'`);
    }
    // DRF drops an ordering term naming no declared field; Object.prototype's names are none.
    expect((await request(app).get("/api/v4/rastersources/?ordering=__proto__,constructor").set(rootAuth)).status).toBe(200);
  });

  it("ids beyond PostgreSQL's integer are 404s, on resources, uploads and jobs", async () => {
    for (const path of ["/resources/2147483648", "/resources/99999999999999999999/permissions", "/uploads/2147483648", "/jobs/------------------------------------", "/resources/--------------------------------"]) {
      const res = await request(app).get(path).set(rootAuth);
      expect(res.status).toBe(404);
      expect(res.body.errors[0].status).toBe("404");
    }
    // The largest integer is still looked up (and simply not found); a seeded id with padding zeros still resolves.
    expect((await request(app).get("/resources/2147483647").set(rootAuth)).status).toBe(404);
    expect((await request(app).get(`/resources/000${seeded.resourceId}`).set(rootAuth)).status).toBe(200);
    expect((await request(app).get(`/uploads/${seeded.uploadUuid.toUpperCase()}`).set(aliceAuth)).status).toBe(200);
  });

  it("ids beyond PostgreSQL's integer in bodies and form fields are 400s", async () => {
    const tooBig = 2_147_483_648;
    expect400(await request(app).post("/resources").set(rootAuth).set("Content-Type", "application/json").send(json({ data: { type: "resource", attributes: { name: "big", organisation_id: tooBig } } })), { pointer: "/data/attributes/organisation_id" });
    expect400(await request(app).post("/groups").set(rootAuth).set("Content-Type", "application/json").send(json({ data: { type: "group", attributes: { name: "big", organisation_id: tooBig } } })), { pointer: "/data/attributes/organisation_id" });
    expect400(await request(app).post(`/organisations/${seeded.orgId}/members`).set(rootAuth).set("Content-Type", "application/json").send(json({ data: { type: "organisation_membership", attributes: { user_id: tooBig, role: "member" } } })), { pointer: "/data/attributes/user_id" });
    expect400(await request(app).post("/uploads").set(rootAuth).field("resource_id", String(tooBig)).attach("file", Buffer.from("x"), "a.tif"), { pointer: "/resource_id" });
  });

  it("NUL characters in query values are a 400 naming the parameter, in both dialects", async () => {
    expect400(await request(app).get("/resources?filter[fields][name][eq]=a%00b").set(rootAuth), { parameter: "filter[fields][name][eq]" });
    expect400(await request(app).get("/uploads?filter[query]=%00").set(rootAuth), { parameter: "filter[query]" });
    const lizard = await request(app).get("/api/v4/rastersources/?name__icontains=%00").set(rootAuth);
    expect(lizard.status).toBe(400);
    expect(lizard.body).toEqual({ name__icontains: [expect.stringContaining("NUL")] });
  });

  it("NUL characters in JSON bodies are a 400 pointing at them, in JSON:API and in DRF's shape", async () => {
    const send = (method: "post" | "patch", path: string, body: unknown) => request(app)[method](path).set(rootAuth).set("Content-Type", "application/json").send(json(body));
    expect400(await send("post", "/resources", { data: { type: "resource", attributes: { name: "a\u0000b" } } }), { pointer: "/data/attributes/name" });
    expect400(await send("patch", `/resources/${seeded.resourceId}`, { data: { type: "resource", attributes: { extra_metadata: { k: ["\u0000"] } } } }), { pointer: "/data/attributes/extra_metadata/k/0" });
    expect400(await send("post", "/organisations", { data: { type: "organisation", attributes: { name: "\u0000" } } }), { pointer: "/data/attributes/name" });
    expect400(await send("post", "/groups", { data: { type: "group", attributes: { name: "g\u0000" } } }), { pointer: "/data/attributes/name" });
    expect400(await send("post", "/api-keys", { data: { type: "api_key", attributes: { name: "k\u0000" } } }), { pointer: "/data/attributes/name" });
    const lizard = await send("post", "/api/v4/rastersources/", { name: "a\u0000b", organisation: seeded.orgUuid });
    expect(lizard.status).toBe(400);
    expect(lizard.body).toEqual({ detail: expect.stringContaining("/name") });
  });

  it("NUL characters in multipart fields and filenames are a 400, and nothing is kept", async () => {
    const before = await db.prisma.upload.count();
    expect400(await request(app).post("/uploads").set(rootAuth).field("notes", "a\u0000b").attach("file", Buffer.from("x"), "a.tif"), { pointer: "/notes" });
    expect400(await request(app).post("/uploads").set(rootAuth).attach("file", Buffer.from("x"), "a\u0000.tif"), { pointer: "/file" });
    expect400(await request(app).post("/uploads").set(rootAuth).field("default_field_metadata", '{"en":"\\u0000"}').attach("file", Buffer.from("x"), "a.tif"), { pointer: "/default_field_metadata" });
    expect(await db.prisma.upload.count()).toBe(before);
  });

  it("JSON nested deeper than 64 levels is a 400, in bodies and in JSON form fields, not a stack overflow", async () => {
    const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
    const body = `{"data":{"type":"resource","attributes":{"name":"deep","extra_metadata":{"k":${nested(200_000)}}}}}`;
    const res = await request(app).post("/resources").set(rootAuth).set("Content-Type", "application/json").send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].source.pointer).toMatch(/^\/data\/attributes\/extra_metadata\/k(\/0)+$/);
    expect(res.body.errors[0].detail).toContain("nested deeper than 64 levels");
    const before = await db.prisma.upload.count();
    expect400(await request(app).post("/uploads").set(rootAuth).field("default_field_metadata", `{"en":${nested(30_000)}}`).attach("file", Buffer.from("x"), "a.tif"), { pointer: "/default_field_metadata" });
    expect(await db.prisma.upload.count()).toBe(before);
  });

  it("NUL characters in tus Upload-Metadata are a 400 naming the key", async () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const create = (metadata: string) => request(app).post("/uploads/tus").set(aliceAuth).set({ "Tus-Resumable": "1.0.0", "Upload-Length": "5", "Upload-Metadata": metadata });
    const filename = await create(`filename ${b64("a\u0000.tif")}`);
    expect(filename.status).toBe(400);
    expect(filename.text).toContain("'filename' may not contain NUL");
    const fieldMetadata = await create(`filename ${b64("a.tif")},default_field_metadata ${b64('{"en":{"alt":"\\u0000"}}')}`);
    expect(fieldMetadata.status).toBe(400);
    expect(fieldMetadata.text).toContain("'default_field_metadata': text may not contain NUL");
  });

  it("an unserved method or path under the router's own prefixes is a JSON:API 404, not the host's HTML", async () => {
    for (const [method, path] of [["patch", "/resources/"], ["put", "/groups"], ["get", "/jobs/"], ["delete", "/signed-uploads/x/y"]] as const) {
      const res = await request(app)[method](path).set(rootAuth);
      expect(res.status).toBe(404);
      expect(res.headers["content-type"]).toMatch(/json/);
      expect(res.body.errors[0]).toMatchObject({ status: "404", code: "NOT_FOUND" });
    }
  });
});

describe("hostile input that used to be a 500 (issue 17.6)", () => {
  const expect400 = (res: Response, source: { pointer?: string; parameter?: string }) => {
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ status: "400", source });
  };

  it("a NUL in a multipart part's Content-Type is a 400 naming the part, on POST /uploads and the raster data route; nothing is kept", async () => {
    const before = await db.prisma.upload.count();
    const core = await request(app).post("/uploads").set(rootAuth).attach("file", Buffer.from("x"), { filename: "a.tif", contentType: "image/tiff\u0000x" });
    expect400(core, { pointer: "/file" });
    expect(core.body.errors[0].detail).toContain("Content-Type");
    const raster = await request(app).post(`/api/v4/rastersources/${seeded.sourceUuid}/data/`).set(aliceAuth).attach("file", Buffer.from("x"), { filename: "a.tif", contentType: "image/\u0000tiff" });
    expect(raster.status).toBe(400);
    expect(raster.body).toEqual({ file: [expect.stringContaining("Content-Type")] });
    expect(await db.prisma.upload.count()).toBe(before);
  });

  it("an unpaired surrogate in a JSON string is a 400 pointing at it, in JSON:API, DRF, form fields and tus metadata", async () => {
    const raw = (method: "post" | "patch", path: string, body: string) => request(app)[method](path).set(rootAuth).set("Content-Type", "application/json").send(body);
    expect400(await raw("post", "/resources", '{"data":{"type":"resource","attributes":{"name":"a\\ud800"}}}'), { pointer: "/data/attributes/name" });
    expect400(await raw("patch", `/resources/${seeded.resourceId}`, '{"data":{"type":"resource","attributes":{"extra_metadata":{"k":["\\udc00x"]}}}}'), { pointer: "/data/attributes/extra_metadata/k/0" });
    expect400(await raw("patch", `/resources/${seeded.resourceId}`, '{"data":{"type":"resource","attributes":{"extra_metadata":{"\\ud800":1}}}}'), { pointer: "/data/attributes/extra_metadata/\ud800" });
    const lizard = await raw("post", "/api/v4/rastersources/", `{"name":"\\udbff","organisation":"${seeded.orgUuid}"}`);
    expect(lizard.status).toBe(400);
    expect(lizard.body).toEqual({ detail: expect.stringContaining("/name") });
    // A well-formed pair is a character like any other.
    expect((await raw("patch", `/resources/${seeded.resourceId}`, '{"data":{"type":"resource","attributes":{"extra_metadata":{"k":"\\ud83d\\ude00"}}}}')).status).toBe(200);

    const before = await db.prisma.upload.count();
    expect400(await request(app).post("/uploads").set(rootAuth).field("default_field_metadata", '{"en":{"alt":"\\ud800"}}').attach("file", Buffer.from("x"), "a.tif"), { pointer: "/default_field_metadata" });
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const tus = await request(app).post("/uploads/tus").set(aliceAuth).set({ "Tus-Resumable": "1.0.0", "Upload-Length": "5", "Upload-Metadata": `filename ${b64("a.tif")},default_field_metadata ${b64('{"en":"\\ud800"}')}` });
    expect(tus.status).toBe(400);
    expect(tus.text).toContain("'default_field_metadata'");
    expect(await db.prisma.upload.count()).toBe(before);
  });
});
