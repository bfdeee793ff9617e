/** The official DatoCMS client (`@datocms/cma-client-node`) drives the profile over HTTP, unchanged. */
import { stat } from "node:fs/promises";
import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "@assets/core";
import { imageAssetPlugin } from "@assets/image-asset";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { identify, md5sum, plainFile, solidImage } from "./helpers/datocms.js";

/** The parts of the official client this test uses. Its package is loaded by a computed name: its
 * declarations reference the DOM library (`/// <reference lib="dom" />`), which would change the
 * global types of the whole typecheck. */
interface Upload { id: string; size: number; width: number | null; height: number | null; [attribute: string]: unknown }
interface Collection { id: string; label: string; position: number; parent: { type: string; id: string } | null; children: { type: string; id: string }[] }
/** What the client's bulk calls resolve to: the job result's payload, deserialized. */
type BulkResult = unknown[];
interface Client {
  uploadCollections: {
    create(body: { label: string; position?: number; parent?: { type: "upload_collection"; id: string } | null }): Promise<Collection>;
    update(id: string, body: { label?: string; position?: number; parent?: { type: "upload_collection"; id: string } | null }): Promise<Collection>;
    list(query?: Record<string, unknown>): Promise<Collection[]>;
    find(id: string): Promise<Collection>;
    destroy(id: string): Promise<Collection>;
  };
  uploadTags: { list(query?: Record<string, unknown>): Promise<{ id: string; name: string }[]> };
  uploadSmartTags: { list(query?: Record<string, unknown>): Promise<{ id: string; name: string }[]> };
  uploads: {
    createFromLocalFile(body: Record<string, unknown>): Promise<Upload>;
    find(id: string): Promise<Upload>;
    list(query?: Record<string, unknown>): Promise<Upload[]>;
    listPagedIterator(query: Record<string, unknown>, options: { perPage: number }): AsyncIterable<Upload>;
    destroy(id: string): Promise<Upload>;
    update(id: string, body: Record<string, unknown>): Promise<Upload>;
    updateFromLocalFile(id: string, body: Record<string, unknown>): Promise<Upload>;
    references(id: string): Promise<{ id: string; type: string }[]>;
    bulkTag(body: { tags: string[]; uploads: { type: "upload"; id: string }[] }): Promise<BulkResult>;
    bulkSetUploadCollection(body: { upload_collection: { type: "upload_collection"; id: string } | null; uploads: { type: "upload"; id: string }[] }): Promise<BulkResult>;
    bulkDestroy(body: { uploads: { type: "upload"; id: string }[] }): Promise<BulkResult>;
  };
}
interface ApiErrorLike { response: { status: number }; findError(code: string): unknown }
const CLIENT_PACKAGE = "@datocms/cma-client-node";
let ApiError: new (...args: never[]) => ApiErrorLike;

let db: Database;
let server: Server;
let dir: string;
let client: Client;
const files: Record<string, string> = {};

beforeAll(async () => {
  const made = await createTestApp({ plugins: [imageAssetPlugin()] });
  db = made.db;
  server = made.app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { key } = await userWithKey(db, "editor");
  const official = (await import(CLIENT_PACKAGE)) as { buildClient(config: { apiToken: string; baseUrl: string }): Client; ApiError: typeof ApiError };
  ApiError = official.ApiError;
  client = official.buildClient({ apiToken: key, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/datocms` });
  dir = await mkdtemp(join(tmpdir(), "datocms-client-"));
  files.png = await solidImage(dir, "wide.png", 64, 48);
  files.jpeg = await solidImage(dir, "tall.jpg", 120, 300, "jpeg");
  files.pdf = await plainFile(dir, "manual.pdf");
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("@datocms/cma-client-node against /datocms", () => {
  const created: Record<string, Upload> = {};

  it("creates uploads from local files through the upload-request flow, with the measured facts", async () => {
    created.png = await client.uploads.createFromLocalFile({ localPath: files.png, author: "Ada Lovelace", tags: ["cats"] });
    created.jpeg = await client.uploads.createFromLocalFile({ localPath: files.jpeg, notes: "a tall one" });
    created.pdf = await client.uploads.createFromLocalFile({ localPath: files.pdf });
    const truth = identify(files.png);
    expect(created.png).toMatchObject({ width: truth.width, height: truth.height, format: truth.format, md5: md5sum(files.png), filename: "wide.png", author: "Ada Lovelace", tags: ["cats"], is_image: true });
    expect(created.pdf).toMatchObject({ is_image: false, md5: md5sum(files.pdf) });
    expect(created.png.size).toBe((await stat(files.png)).size);
  }, 60_000);

  it("finds an upload by id", async () => {
    const found = await client.uploads.find(created.jpeg!.id);
    expect(found).toMatchObject({ id: created.jpeg!.id, width: 120, height: 300, notes: "a tall one" });
  });

  it("lists with filter[fields], filter[query] and order_by", async () => {
    const byMd5 = await client.uploads.list({ filter: { fields: { md5: { eq: md5sum(files.jpeg) } } } });
    expect(byMd5.map((u) => u.id)).toEqual([created.jpeg!.id]);
    const byQuery = await client.uploads.list({ filter: { query: "tall" } });
    expect(byQuery.map((u) => u.id)).toEqual([created.jpeg!.id]);
    const bySize = await client.uploads.list({ order_by: "size_ASC" });
    const sizes = await Promise.all([files.png, files.jpeg, files.pdf].map(async (f) => (await stat(f)).size));
    expect(bySize.map((u) => u.size)).toEqual([...sizes].sort((a, b) => a - b));
  });

  it("iterates over every page", async () => {
    const seen: string[] = [];
    for await (const upload of client.uploads.listPagedIterator({}, { perPage: 1 })) seen.push(upload.id);
    expect(seen.sort()).toEqual([created.png!.id, created.jpeg!.id, created.pdf!.id].sort());
  });

  it("drives upload collections: create a tree, upload into it, move, list by collection, destroy", async () => {
    const root = await client.uploadCollections.create({ label: "Library" });
    const shelf = await client.uploadCollections.create({ label: "Shelf", parent: { type: "upload_collection", id: root.id } });
    const first = await client.uploadCollections.create({ label: "First", parent: { type: "upload_collection", id: root.id }, position: 1 });
    expect(await client.uploadCollections.find(root.id)).toMatchObject({ label: "Library", parent: null, children: [first, shelf].map((c) => ({ type: "upload_collection", id: c.id })) });
    const unknown = await client.uploads.createFromLocalFile({ localPath: files.png, upload_collection: { type: "upload_collection", id: "999999" } }).catch((e: unknown) => e);
    expect((unknown as ApiErrorLike).response.status).toBe(422);
    expect((unknown as ApiErrorLike).findError("INVALID_FIELD")).toMatchObject({ attributes: { details: { field: "upload_collection" } } });
    const inShelf = await client.uploads.createFromLocalFile({ localPath: files.png, upload_collection: { type: "upload_collection", id: shelf.id } });
    expect(inShelf.upload_collection).toEqual({ type: "upload_collection", id: shelf.id });
    const listed = await client.uploads.list({ filter: { fields: { upload_collection: { eq: shelf.id } } } });
    expect(listed.map((u) => u.id)).toEqual([inShelf.id]);
    const moved = await client.uploadCollections.update(shelf.id, { position: 1, label: "Top shelf" });
    expect(moved).toMatchObject({ label: "Top shelf", position: 1 });
    expect((await client.uploadCollections.find(first.id)).position).toBe(2);
    expect((await client.uploadCollections.list()).map((c) => c.id).sort()).toEqual([root.id, shelf.id, first.id].sort());
    const destroyed = await client.uploadCollections.destroy(root.id);
    expect(destroyed.id).toBe(root.id);
    expect(await client.uploadCollections.list()).toEqual([]);
    expect((await client.uploads.find(inShelf.id)).upload_collection).toBeNull();
    await client.uploads.destroy(inShelf.id);
  }, 60_000);

  it("lists upload tags (filter[query]) and the empty smart tags", async () => {
    expect((await client.uploadTags.list()).map((t) => t.name)).toEqual(["cats"]);
    expect(await client.uploadTags.list({ filter: { query: "dog" } })).toEqual([]);
    expect(await client.uploadSmartTags.list()).toEqual([]);
  });

  it("updates an upload in part (the job polled to its result): texts, tags, a focal point merged into the locale", async () => {
    const id = created.png!.id;
    await client.uploads.update(id, { default_field_metadata: { en: { alt: "A red square", title: "Red", custom_data: {}, focal_point: null } } });
    const updated = await client.uploads.update(id, { author: "Grace Hopper", notes: "moved", tags: ["cats", "red"], default_field_metadata: { en: { focal_point: { x: 0.25, y: 0.75 } } } });
    expect(updated).toMatchObject({ id, author: "Grace Hopper", notes: "moved", tags: ["cats", "red"], md5: md5sum(files.png) });
    expect(updated.default_field_metadata).toEqual({ en: { alt: "A red square", title: "Red", custom_data: {}, focal_point: { x: 0.25, y: 0.75 } } });
    expect(await client.uploads.find(id)).toMatchObject({ author: "Grace Hopper", default_field_metadata: updated.default_field_metadata });
    const error = await client.uploads.update(id, { default_field_metadata: { en: { focal_point: { x: 1.5, y: 0 } } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiErrorLike).response.status).toBe(422);
    expect((error as ApiErrorLike).findError("INVALID_FIELD")).toBeDefined();
  });

  it("replaces an upload's file through a new upload request (path), keeping its id and attributes", async () => {
    const replacement = await solidImage(dir, "replacement.png", 90, 70);
    const before = await client.uploads.find(created.png!.id);
    const replaced = await client.uploads.updateFromLocalFile(created.png!.id, { localPath: replacement });
    const truth = identify(replacement);
    expect(replaced).toMatchObject({ id: created.png!.id, size: (await stat(replacement)).size, md5: md5sum(replacement), width: truth.width, height: truth.height, filename: "replacement.png", author: "Grace Hopper" });
    expect(replaced.path).not.toBe(before.path);
    expect(replaced.default_field_metadata).toEqual(before.default_field_metadata);
  }, 60_000);

  it("renames an upload by basename (update), and along with a replacement file (updateFromLocalFile)", async () => {
    const before = await client.uploads.createFromLocalFile({ localPath: files.png });
    const id = before.id;
    const renamed = await client.uploads.update(id, { basename: "renamed-wide" });
    const directory = (path: unknown) => String(path).slice(0, String(path).lastIndexOf("/") + 1);
    expect(renamed).toMatchObject({ id, basename: "renamed-wide", filename: "renamed-wide.png", md5: before.md5, path: `${directory(before.path)}renamed-wide.png` });
    expect(String(renamed.url).endsWith(`/datocms/assets${directory(before.path)}renamed-wide.png`)).toBe(true);
    const replacement = await solidImage(dir, "second.jpg", 33, 44, "jpeg");
    const both = await client.uploads.updateFromLocalFile(id, { localPath: replacement, basename: "second-look" });
    expect(both).toMatchObject({ id, basename: "second-look", filename: "second-look.jpg", md5: md5sum(replacement), width: identify(replacement).width, height: identify(replacement).height });
    expect(both.path).toMatch(/\/second-look\.jpg$/);
    await client.uploads.destroy(id);
  }, 60_000);

  it("bulk-tags uploads through a job, after which a list by tag shows them", async () => {
    const targets = [created.png!, created.jpeg!].map((u) => ({ type: "upload" as const, id: u.id }));
    const before = (await client.uploads.find(created.png!.id)).tags as string[];
    expect(before).toContain("cats");
    expect(await client.uploads.bulkTag({ tags: ["bulk", "cats"], uploads: targets })).toEqual([]);
    const tagged = await client.uploads.list({ filter: { fields: { tags: { contains: "bulk" } } } });
    expect(tagged.map((u) => u.id).sort()).toEqual(targets.map((t) => t.id).sort());
    expect((await client.uploads.find(created.png!.id)).tags).toEqual([...before, "bulk"]);
    expect((await client.uploadTags.list({ filter: { query: "bul" } })).map((t) => t.name)).toEqual(["bulk"]);
    const shelf = await client.uploadCollections.create({ label: "Bulk shelf" });
    await client.uploads.bulkSetUploadCollection({ upload_collection: { type: "upload_collection", id: shelf.id }, uploads: targets.slice(0, 1) });
    expect((await client.uploads.list({ filter: { fields: { upload_collection: { eq: shelf.id } } } })).map((u) => u.id)).toEqual([created.png!.id]);
    await client.uploadCollections.destroy(shelf.id);
  }, 30_000);

  it("bulk-destroys uploads through a job", async () => {
    const doomed = await client.uploads.createFromLocalFile({ localPath: files.jpeg, tags: ["doomed"] });
    expect(await client.uploads.bulkDestroy({ uploads: [{ type: "upload", id: doomed.id }] })).toEqual([]);
    expect(await client.uploads.list({ filter: { fields: { tags: { contains: "doomed" } } } })).toEqual([]);
    const error = await client.uploads.find(doomed.id).catch((e: unknown) => e);
    expect((error as ApiErrorLike).response.status).toBe(404);
  }, 30_000);

  it("lists with DatoCMS's operators and two order keys, and reads an upload's (empty) references", async () => {
    const images = await client.uploads.list({ filter: { fields: { type: { eq: "image" }, in_use: { eq: false } } }, order_by: "resolution_DESC,_created_at_ASC" });
    expect(images.map((u) => u.id)).toEqual([created.jpeg!.id, created.png!.id]); // 120x300 and 90x70: small, then icon
    const tagged = await client.uploads.list({ filter: { fields: { tags: { allIn: ["cats", "red"] }, author: { matches: { pattern: "^grace", case_sensitive: false, regexp: true } } } } });
    expect(tagged.map((u) => u.id)).toEqual([created.png!.id]);
    const notPdf = await client.uploads.list({ filter: { fields: { type: { notIn: ["pdfdocument"] }, notes: { notMatches: { pattern: "TALL" } } } } });
    expect(notPdf.map((u) => u.id)).toEqual([created.png!.id]);
    const byAlt = await client.uploads.list({ filter: { query: "square" }, locale: "en" });
    expect(byAlt.map((u) => u.id)).toEqual([created.png!.id]); // its en alt is "A red square"
    expect(await client.uploads.references(created.png!.id)).toEqual([]);
  });

  it("destroys an upload, answering it, after which it is a NOT_FOUND", async () => {
    const destroyed = await client.uploads.destroy(created.pdf!.id);
    expect(destroyed.id).toBe(created.pdf!.id);
    const error = await client.uploads.find(created.pdf!.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiErrorLike).response.status).toBe(404);
    expect((error as ApiErrorLike).findError("NOT_FOUND")).toBeDefined();
  });
});
