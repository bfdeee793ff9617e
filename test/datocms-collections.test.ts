/** The DatoCMS profile's upload collections (a tree with positions) and upload tags, over HTTP. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Express } from "express";
import request from "supertest";
import type { Database } from "@assets/core";
import { imageAssetPlugin } from "@assets/image-asset";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { ingestAsset, solidImage } from "./helpers/datocms.js";

type Auth = Record<string, string>;
interface Linkage { type: string; id: string }
interface Collection { id: string; type: string; attributes: { label: string; position: number }; relationships: { parent: { data: Linkage | null }; children: { data: Linkage[] } } }

let db: Database;
let app: Express;
let dir: string;
let editor: Auth;
let reader: Auth;
let stranger: Auth;
const assets: Record<string, number> = {};

beforeAll(async () => {
  ({ db, app } = await createTestApp({ plugins: [imageAssetPlugin()] }));
  dir = await mkdtemp(join(tmpdir(), "datocms-collections-"));
  ({ auth: editor } = await userWithKey(db, "editor"));
  ({ auth: reader } = await userWithKey(db, "reader", { scopes: ["read"] }));
  ({ auth: stranger } = await userWithKey(db, "stranger"));
  assets.cat = await ingestAsset(app, db, editor, await solidImage(dir, "cat.png", 20, 10), { tags: "cats,red" });
  assets.dog = await ingestAsset(app, db, editor, await solidImage(dir, "dog.png", 10, 20), { tags: "dogs,red" });
  assets.secret = await ingestAsset(app, db, stranger, await solidImage(dir, "secret.png", 8, 8), { tags: "classified" });
}, 120_000);

afterAll(async () => {
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const api = (method: "get" | "post" | "put" | "delete", path: string, auth: Auth = editor) =>
  request(app)[method](`/datocms${path}`).set(auth).set("Accept", "application/json").set("X-Api-Version", "3");

async function create(label: string, parent?: string, position?: number): Promise<Collection> {
  const res = await api("post", "/upload-collections").send({
    data: { type: "upload_collection", attributes: { label, ...(position === undefined ? {} : { position }) }, relationships: { parent: { data: parent ? { type: "upload_collection", id: parent } : null } } },
  });
  expect(res.status).toBe(201);
  return res.body.data;
}

/** Labels of a parent's children in position order, and their positions, as the API lists them. */
async function childrenOf(parent: string | null): Promise<{ labels: string[]; positions: number[] }> {
  const res = await api("get", "/upload-collections");
  expect(res.status).toBe(200);
  const rows = (res.body.data as Collection[]).filter((c) => (c.relationships.parent.data?.id ?? null) === parent).sort((a, b) => a.attributes.position - b.attributes.position);
  return { labels: rows.map((c) => c.attributes.label), positions: rows.map((c) => c.attributes.position) };
}

describe("/datocms/upload-collections", () => {
  const made: Record<string, Collection> = {};

  it("creates a tree: positions 1..n among siblings, inserting at a given position, children in order", async () => {
    made.photos = await create("Photos");
    made.docs = await create("Docs");
    made.cats = await create("Cats", made.photos.id);
    made.dogs = await create("Dogs", made.photos.id);
    made.birds = await create("Birds", made.photos.id, 1);
    expect(made.photos).toMatchObject({ type: "upload_collection", attributes: { label: "Photos", position: 1 }, relationships: { parent: { data: null } } });
    expect(made.cats.relationships.parent.data).toEqual({ type: "upload_collection", id: made.photos.id });
    expect(await childrenOf(made.photos.id)).toEqual({ labels: ["Birds", "Cats", "Dogs"], positions: [1, 2, 3] });
    const photos = await api("get", `/upload-collections/${made.photos.id}`);
    expect(photos.body.data.relationships.children.data).toEqual([made.birds, made.cats, made.dogs].map((c) => ({ type: "upload_collection", id: c.id })));
    expect(await childrenOf(null)).toEqual({ labels: ["Photos", "Docs"], positions: [1, 2] });
  });

  it("moves within a parent and between parents, renumbering both", async () => {
    const moved = await api("put", `/upload-collections/${made.dogs.id}`).send({ data: { type: "upload_collection", id: made.dogs.id, attributes: { position: 1 } } });
    expect(moved.status).toBe(200);
    expect(await childrenOf(made.photos.id)).toEqual({ labels: ["Dogs", "Birds", "Cats"], positions: [1, 2, 3] });
    const reparented = await api("put", `/upload-collections/${made.birds.id}`).send({
      data: { type: "upload_collection", id: made.birds.id, attributes: { label: "Birds!" }, relationships: { parent: { data: { type: "upload_collection", id: made.docs.id } } } },
    });
    expect(reparented.status).toBe(200);
    expect(reparented.body.data).toMatchObject({ attributes: { label: "Birds!", position: 1 }, relationships: { parent: { data: { id: made.docs.id } } } });
    expect(await childrenOf(made.photos.id)).toEqual({ labels: ["Dogs", "Cats"], positions: [1, 2] });
  });

  it("reorders children through the children relationship, which must list the same children", async () => {
    const reordered = await api("put", `/upload-collections/${made.photos.id}`).send({
      data: { type: "upload_collection", id: made.photos.id, relationships: { children: { data: [made.cats, made.dogs].map((c) => ({ type: "upload_collection", id: c.id })) } } },
    });
    expect(reordered.status).toBe(200);
    expect(await childrenOf(made.photos.id)).toEqual({ labels: ["Cats", "Dogs"], positions: [1, 2] });
    const partial = await api("put", `/upload-collections/${made.photos.id}`).send({
      data: { type: "upload_collection", id: made.photos.id, relationships: { children: { data: [{ type: "upload_collection", id: made.cats.id }] } } },
    });
    expect(partial.status).toBe(422);
    expect(partial.body.data[0].attributes).toMatchObject({ code: "INVALID_FIELD", details: { field: "children" } });
  });

  it("refuses to move a collection inside itself or its descendants", async () => {
    const res = await api("put", `/upload-collections/${made.photos.id}`).send({
      data: { type: "upload_collection", id: made.photos.id, relationships: { parent: { data: { type: "upload_collection", id: made.cats.id } } } },
    });
    expect(res.status).toBe(422);
    expect(res.body.data[0].attributes).toMatchObject({ code: "INVALID_FIELD", details: { field: "parent" } });
    expect((await api("get", `/upload-collections/${made.photos.id}`)).body.data.relationships.parent.data).toBeNull();
  });

  it("lists by filter[ids]; an unknown id is DatoCMS's NOT_FOUND", async () => {
    const res = await api("get", `/upload-collections?filter[ids]=${made.cats.id},${made.docs.id}`);
    expect((res.body.data as Collection[]).map((c) => c.id).sort()).toEqual([made.cats.id, made.docs.id].sort());
    const missing = await api("get", "/upload-collections/999999");
    expect(missing.status).toBe(404);
    expect(missing.body.data[0].attributes.code).toBe("NOT_FOUND");
  });

  it("is read by anyone who may list uploads, changed only by those who may upload", async () => {
    expect((await api("get", "/upload-collections", reader)).body.data).toHaveLength(5);
    const readOnly = await api("post", "/upload-collections", reader).send({ data: { type: "upload_collection", attributes: { label: "No" } } });
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.data[0].attributes.code).toBe("INSUFFICIENT_PERMISSIONS");
    const anonymous = await request(app).delete(`/datocms/upload-collections/${made.docs.id}`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.data[0].attributes.code).toBe("INVALID_AUTHORIZATION_HEADER");
  });

  it("renders and filters uploads by upload_collection", async () => {
    await db.prisma.imageAsset.update({ where: { resource_id: assets.cat }, data: { upload_collection_id: Number(made.cats.id) } });
    const one = await api("get", `/uploads/${assets.cat}`);
    expect(one.body.data.relationships.upload_collection.data).toEqual({ type: "upload_collection", id: made.cats.id });
    const listed = await api("get", `/uploads?filter[fields][upload_collection][eq]=${made.cats.id}`);
    expect(listed.body.data.map((u: Linkage) => u.id)).toEqual([String(assets.cat)]);
  });

  it("deletes a parent with its descendants, answering it; their assets stay, in no collection; siblings renumbered", async () => {
    const res = await api("delete", `/upload-collections/${made.photos.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: made.photos.id, attributes: { label: "Photos" } });
    for (const gone of [made.photos, made.cats, made.dogs]) expect((await api("get", `/upload-collections/${gone.id}`)).status).toBe(404);
    expect(await childrenOf(null)).toEqual({ labels: ["Docs"], positions: [1] });
    const cat = await api("get", `/uploads/${assets.cat}`);
    expect(cat.status).toBe(200);
    expect(cat.body.data.relationships.upload_collection.data).toBeNull();
  });
});

describe("/datocms/upload-tags and /upload-smart-tags", () => {
  it("lists the distinct tags of the uploads the caller may read, in name order, with total_count", async () => {
    const res = await api("get", "/upload-tags");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: ["cats", "dogs", "red"].map((name) => ({ type: "upload_tag", id: name, attributes: { name } })), meta: { total_count: 3 } });
    const theirs = await api("get", "/upload-tags", stranger);
    expect(theirs.body.data.map((t: { id: string }) => t.id)).toEqual(["classified"]);
  });

  it("filters by filter[query] and pages with page[offset]/page[limit]", async () => {
    expect((await api("get", "/upload-tags?filter[query]=OG")).body).toMatchObject({ data: [{ id: "dogs" }], meta: { total_count: 1 } });
    const second = await api("get", "/upload-tags?page[offset]=1&page[limit]=1");
    expect(second.body).toMatchObject({ data: [{ id: "dogs" }], meta: { total_count: 3 } });
    expect((await api("get", "/upload-tags?page[limit]=501")).status).toBe(422);
  });

  it("answers an empty smart-tag list (no image recognition here)", async () => {
    const res = await api("get", "/upload-smart-tags");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: [], meta: { total_count: 0 } });
  });
});
