/**
 * The DatoCMS profile's site locales (`imageAssetPlugin({ locales })`): `GET /site`, every locale
 * in `default_field_metadata` from the create on, `locale` searches, and writes naming a locale the
 * site does not have refused with DatoCMS's 422 INVALID_FIELD. Driven by the official client.
 */
import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import type { Database } from "@assets/core";
import { imageAssetPlugin } from "@assets/image-asset";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { solidImage } from "./helpers/datocms.js";

interface Upload { id: string; default_field_metadata: Record<string, unknown>; [attribute: string]: unknown }
interface Client {
  site: { find(): Promise<{ locales: string[] }> };
  uploads: {
    createFromLocalFile(body: Record<string, unknown>): Promise<Upload>;
    update(id: string, body: Record<string, unknown>): Promise<Upload>;
    list(query?: Record<string, unknown>): Promise<Upload[]>;
  };
}
interface ApiErrorLike { response: { status: number }; findError(code: string): { attributes: { details: Record<string, unknown> } } | undefined }
/** Loaded by a computed name: its declarations reference the DOM library (see datocms-client.test.ts). */
const CLIENT_PACKAGE = "@datocms/cma-client-node";

/** What DatoCMS keeps for a locale nobody has written to. */
const BLANK = { alt: null, title: null, custom_data: {}, focal_point: null };

let db: Database;
let server: Server;
let dir: string;
let client: Client;
let auth: Record<string, string>;
let image: string;

beforeAll(async () => {
  // Italian first: the main locale is the first one configured, whatever it is.
  const made = await createTestApp({ plugins: [imageAssetPlugin({ locales: ["it", "en"], rateLimit: { limit: 1_000_000, windowMs: 1000 } })] });
  db = made.db;
  server = made.app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const editor = await userWithKey(db, "editor");
  auth = editor.auth;
  const official = (await import(CLIENT_PACKAGE)) as { buildClient(config: { apiToken: string; baseUrl: string }): Client };
  client = official.buildClient({ apiToken: editor.key, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/datocms` });
  dir = await mkdtemp(join(tmpdir(), "datocms-locales-"));
  image = await solidImage(dir, "quadro.png", 40, 30);
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const failure = (promise: Promise<unknown>) => promise.then(() => { throw new Error("expected the call to fail"); }, (error: unknown) => error as ApiErrorLike);

describe("site locales", () => {
  it("GET /site lists the configured locales, the main one first", async () => {
    expect((await client.site.find()).locales).toEqual(["it", "en"]);
  });

  it("fills default_field_metadata for every locale on create, as DatoCMS does", async () => {
    const created = await client.uploads.createFromLocalFile({ localPath: image, default_field_metadata: { en: { alt: "A painting" } } });
    expect(created.default_field_metadata).toEqual({ it: BLANK, en: { ...BLANK, alt: "A painting" } });
    const bare = await client.uploads.createFromLocalFile({ localPath: image });
    expect(bare.default_field_metadata).toEqual({ it: BLANK, en: BLANK });
  }, 60_000);

  it("searches the main locale by default and the one `locale` names", async () => {
    const [upload] = await client.uploads.list({ filter: { query: "painting" }, locale: "en" });
    expect(upload).toBeDefined();
    await client.uploads.update(upload!.id, { default_field_metadata: { it: { alt: "Un quadro" } } });
    expect((await client.uploads.list({ filter: { query: "quadro" } })).map((u) => u.id)).toContain(upload!.id); // filename quadro.png matches too
    expect((await client.uploads.list({ filter: { fields: { alt: { matches: { pattern: "Un quadro" } } } } })).map((u) => u.id)).toEqual([upload!.id]);
    expect(await client.uploads.list({ filter: { fields: { alt: { matches: { pattern: "painting" } } } } })).toEqual([]);
    expect((await client.uploads.list({ filter: { fields: { alt: { matches: { pattern: "painting" } } } }, locale: "en" })).map((u) => u.id)).toEqual([upload!.id]);
  }, 30_000);

  it("refuses a locale the site does not have: in a create, an update (422 INVALID_FIELD) and a list (422 INVALID_PARAMS)", async () => {
    const created = await failure(client.uploads.createFromLocalFile({ localPath: image, default_field_metadata: { de: { alt: "Ein Bild" } } }));
    expect(created.response.status).toBe(422);
    expect(created.findError("INVALID_FIELD")?.attributes.details).toMatchObject({ field: "default_field_metadata" });
    const [upload] = await client.uploads.list({ filter: { query: "painting" }, locale: "en" });
    const updated = await failure(client.uploads.update(upload!.id, { default_field_metadata: { de: { alt: "Ein Bild" } } }));
    expect(updated.response.status).toBe(422);
    expect(updated.findError("INVALID_FIELD")?.attributes.details).toMatchObject({ field: "default_field_metadata" });
    const listed = await request(server).get("/datocms/uploads?filter[query]=x&locale=de").set(auth);
    expect(listed.status).toBe(422);
    expect(listed.body.data[0].attributes).toMatchObject({ code: "INVALID_PARAMS", details: expect.objectContaining({ parameter: "locale" }) });
  }, 60_000);
});
