/**
 * DatoCMS's `in_use`, `GET /uploads/:id/references` and the refused destroy of an upload in use,
 * over the core's generic references (`PUT /resources/:id/uses/:field`), driven by the official
 * client. The ResourceUse rows and the Resource rows are the independent check.
 */
import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Express } from "express";
import request from "supertest";
import type { Database } from "@assets/core";
import { imageAssetPlugin } from "@assets/image-asset";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { ingestAsset, solidImage } from "./helpers/datocms.js";

interface Upload { id: string; [attribute: string]: unknown }
interface Client {
  uploads: {
    list(query?: Record<string, unknown>): Promise<Upload[]>;
    references(id: string): Promise<Record<string, unknown>[]>;
    destroy(id: string): Promise<Upload>;
    bulkDestroy(body: { uploads: { type: "upload"; id: string }[] }): Promise<unknown[]>;
  };
}
interface ApiErrorLike { response: { status: number }; findError(code: string): { attributes: { details: Record<string, unknown> } } | undefined }
/** Loaded by a computed name: its declarations reference the DOM library (see datocms-client.test.ts). */
const CLIENT_PACKAGE = "@datocms/cma-client-node";

let db: Database;
let app: Express;
let server: Server;
let dir: string;
let client: Client;
let auth: Record<string, string>;
let used: number;
let unused: number;
let page: number;

beforeAll(async () => {
  ({ db, app } = await createTestApp({ plugins: [imageAssetPlugin({ rateLimit: { limit: 1_000_000, windowMs: 1000 } })] }));
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const editor = await userWithKey(db, "editor");
  auth = editor.auth;
  const official = (await import(CLIENT_PACKAGE)) as { buildClient(config: { apiToken: string; baseUrl: string }): Client };
  client = official.buildClient({ apiToken: editor.key, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/datocms` });
  dir = await mkdtemp(join(tmpdir(), "datocms-in-use-"));
  used = await ingestAsset(app, db, auth, await solidImage(dir, "hero.png", 40, 30));
  unused = await ingestAsset(app, db, auth, await solidImage(dir, "spare.png", 30, 40));
  page = (await db.prisma.resource.create({ data: { name: "Home page", type: "resource", owner_id: editor.user.id } })).id;
  const set = await request(server).put(`/resources/${page}/uses/hero_image`).set(auth).send({ data: [{ type: "resource", id: String(used) }] });
  if (set.status !== 200) throw new Error(`PUT uses answered ${set.status}: ${set.text}`);
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ids = (uploads: Upload[]) => uploads.map((u) => u.id);
const exists = async (id: number) => (await db.prisma.resource.count({ where: { id } })) === 1;

describe("uploads in use", () => {
  it("filters by in_use: true for an upload another resource refers to, false for the others", async () => {
    expect(await db.prisma.resourceUse.findMany({ where: { to_id: used }, select: { from_id: true, field: true } })).toEqual([{ from_id: page, field: "hero_image" }]);
    expect(ids(await client.uploads.list({ filter: { fields: { in_use: { eq: true } } } }))).toEqual([String(used)]);
    expect(ids(await client.uploads.list({ filter: { fields: { in_use: { eq: false } } } }))).toEqual([String(unused)]);
    expect(ids(await client.uploads.list({ filter: { fields: { in_use: { eq: true }, filename: { matches: { pattern: "^hero", regexp: true } } } } }))).toEqual([String(used)]);
  });

  it("lists the referring resources as items at /uploads/:id/references", async () => {
    // The client reads them as records (it adds `__itemTypeId` from the item type).
    const references = await client.uploads.references(String(used));
    expect(references).toHaveLength(1);
    expect(references[0]).toMatchObject({ type: "item", id: String(page), name: "Home page", field: "hero_image", item_type: { type: "item_type", id: "resource" } });
    expect(await client.uploads.references(String(unused))).toEqual([]);
  });

  it("refuses to destroy an upload in use with 422 DELETE_RESTRICTION; a bulk destroy counts it failed and removes the others", async () => {
    const error = (await client.uploads.destroy(String(used)).then(() => undefined, (e: unknown) => e)) as ApiErrorLike;
    expect(error.response.status).toBe(422);
    expect(error.findError("DELETE_RESTRICTION")?.attributes.details).toMatchObject({ references: 1 });
    expect(await exists(used)).toBe(true);

    const bulk = await request(server).post("/datocms/uploads/bulk/destroy").set(auth).send({ data: { type: "upload_bulk_destroy_operation", relationships: { uploads: { data: [used, unused].map((id) => ({ type: "upload", id: String(id) })) } } } });
    expect(bulk.status).toBe(202);
    let result = await request(server).get(`/datocms/job-results/${bulk.body.data.id}`).set(auth);
    for (const deadline = Date.now() + 15_000; result.status === 404 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      result = await request(server).get(`/datocms/job-results/${bulk.body.data.id}`).set(auth);
    }
    expect(result.body.data.attributes).toEqual({ status: 200, payload: { data: [], meta: { successful: 1, failed: 1 } } });
    expect([await exists(used), await exists(unused)]).toEqual([true, false]);

    // Once nothing refers to it, it goes.
    await request(server).put(`/resources/${page}/uses/hero_image`).set(auth).send({ data: [] });
    expect((await client.uploads.destroy(String(used))).id).toBe(String(used));
    expect(await exists(used)).toBe(false);
  }, 30_000);
});
