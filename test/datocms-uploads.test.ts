/** The DatoCMS profile's reads (`GET /datocms/uploads`, `/uploads/:id`), its errors and its permissions. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Express } from "express";
import request from "supertest";
import type { Database } from "@assets/core";
import { imageAssetPlugin } from "@assets/image-asset";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { identify, ingestAsset, md5sum, plainFile, solidImage } from "./helpers/datocms.js";

type Auth = Record<string, string>;

let db: Database;
let app: Express;
let dir: string;
let owner: Auth;
let stranger: Auth;
let ownerId: number;
const files: Record<string, string> = {};
const ids: Record<string, number> = {};

beforeAll(async () => {
  ({ db, app } = await createTestApp({ plugins: [imageAssetPlugin()] }));
  dir = await mkdtemp(join(tmpdir(), "datocms-uploads-"));
  const ownerKey = await userWithKey(db, "owner");
  owner = ownerKey.auth;
  ownerId = ownerKey.user.id;
  ({ auth: stranger } = await userWithKey(db, "stranger"));
  files.png = await solidImage(dir, "wide.png", 50, 40);
  files.jpeg = await solidImage(dir, "tall.jpg", 300, 400, "jpeg");
  files.pdf = await plainFile(dir, "notes.pdf");
  ids.png = await ingestAsset(app, db, owner, files.png, { author: "Ada Lovelace", notes: "Nyan the cat", tags: "cats,red" });
  ids.jpeg = await ingestAsset(app, db, owner, files.jpeg);
  ids.pdf = await ingestAsset(app, db, owner, files.pdf);
}, 120_000);

afterAll(async () => {
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const get = (path: string, auth: Auth = owner) => request(app).get(`/datocms${path}`).set(auth).set("Accept", "application/json").set("X-Api-Version", "3");

describe("GET /datocms/uploads", () => {
  it("lists the caller's assets as DatoCMS uploads, newest first, with total_count", async () => {
    const res = await get("/uploads");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.body.meta).toEqual({ total_count: 3 });
    expect(res.body.data.map((u: { id: string }) => u.id)).toEqual([ids.pdf, ids.jpeg, ids.png].map(String));
    for (const upload of res.body.data) expect(upload.type).toBe("upload");
  });

  it("renders every attribute of the reference sample, measured values equal to ImageMagick's and md5sum's", async () => {
    const res = await get(`/uploads/${ids.png}`);
    expect(res.status).toBe(200);
    const { attributes, relationships } = res.body.data;
    const truth = identify(files.png);
    const reference = [
      "size", "width", "height", "path", "basename", "filename", "url", "format", "author", "copyright", "notes", "md5", "duration", "frame_rate",
      "blurhash", "thumbhash", "mux_playback_id", "mux_mp4_highest_res", "default_field_metadata", "is_image", "created_at", "updated_at", "mime_type",
      "tags", "smart_tags", "exif_info", "colors",
    ];
    for (const name of reference) expect(Object.keys(attributes)).toContain(name);
    expect(attributes).toMatchObject({
      width: truth.width, height: truth.height, format: truth.format, md5: md5sum(files.png), filename: "wide.png", basename: "wide",
      is_image: true, mime_type: "image/png", author: "Ada Lovelace", notes: "Nyan the cat", tags: ["cats", "red"], smart_tags: [],
    });
    expect(attributes.path).toMatch(/^\/[0-9a-f-]{36}\/wide\.png$/);
    expect(attributes.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/datocms/assets${attributes.path}$`));
    expect(new Date(attributes.created_at).toISOString()).toBe(attributes.created_at);
    expect(attributes.colors[0]).toEqual({ red: 200, green: 50, blue: 20, alpha: 255 });
    expect(relationships).toEqual({ creator: { data: { type: "user", id: String(ownerId) } }, upload_collection: { data: null } });
  });

  it("keeps a file that is not an image as an upload with is_image false", async () => {
    const res = await get(`/uploads/${ids.pdf}`);
    expect(res.body.data.attributes).toMatchObject({ is_image: false, width: null, height: null, format: "pdf", md5: md5sum(files.pdf) });
  });

  it("takes filter[ids], page[offset] and page[limit]", async () => {
    const res = await get(`/uploads?filter[ids]=${ids.png},${ids.pdf}&page[limit]=1&page[offset]=1`);
    expect(res.status).toBe(200);
    expect(res.body.meta.total_count).toBe(2);
    expect(res.body.data.map((u: { id: string }) => u.id)).toEqual([String(ids.png)]);
  });

  it("hides another user's Private assets: an empty list and a 404 in DatoCMS's error shape", async () => {
    expect((await get("/uploads", stranger)).body).toEqual({ data: [], meta: { total_count: 0 } });
    const res = await get(`/uploads/${ids.png}`, stranger);
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      data: [{ id: expect.any(String), type: "api_error", attributes: { code: "NOT_FOUND", doc_url: expect.stringContaining("#NOT_FOUND"), details: expect.objectContaining({ message: expect.any(String) }) } }],
    });
  });

  it("answers a bad key with 401 INVALID_AUTHORIZATION_HEADER", async () => {
    const res = await get("/uploads", { Authorization: "Bearer not-a-key" });
    expect(res.status).toBe(401);
    expect(res.body.data[0].attributes.code).toBe("INVALID_AUTHORIZATION_HEADER");
  });

  it.each([
    ["page[limit]=501", "INVALID_PARAMS", "page[limit]"],
    ["order_by=colour_ASC", "INVALID_ORDERING", "order_by"],
    ["filter[fields][size][like]=3", "INVALID_FILTER_FIELDS_PARAM", "filter[fields][size][like]"],
  ])("refuses %s with 422 %s naming the parameter", async (query, code, parameter) => {
    const res = await get(`/uploads?${query}`);
    expect(res.status).toBe(422);
    expect(res.body.data[0].attributes).toMatchObject({ code, details: expect.objectContaining({ parameter }) });
  });

  it("accepts X-Api-Version 3 and refuses another version", async () => {
    const res = await request(app).get("/datocms/uploads").set(owner).set("X-Api-Version", "2");
    expect(res.status).toBe(400);
    expect(res.body.data[0].attributes.code).toBe("INVALID_API_VERSION");
  });

  it("answers a path no route serves with NOT_FOUND in DatoCMS's shape", async () => {
    const res = await get("/no-such-thing");
    expect(res.status).toBe(404);
    expect(res.body.data[0].attributes.code).toBe("NOT_FOUND");
  });
});
