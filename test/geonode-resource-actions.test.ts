import request from "supertest";
import type { Express } from "express";
import type { Database } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { createTestApp, userWithKey } from "./helpers/app.js";

/**
 * GeoNode API v2 per-resource actions: /resources/resource_types/ (counts
 * matching the seed, per caller), /resources/{id}/extra_metadata/ and
 * /resources/{id}/permissions/ (GeoNode 4's compact perm_spec over the core's grants).
 */

const HOST = "geonode.test";

describe("GeoNode API v2: resource actions", () => {
  let db: Database;
  let app: Express;
  let ada: Record<string, string>;
  let bob: Record<string, string>;
  let adaId: number;
  let bobId: number;
  const ids: Record<string, number> = {};

  const call = (method: "get" | "post" | "put" | "patch" | "delete", path: string, auth: Record<string, string> = {}, body?: unknown) => {
    const req = request(app)[method](`/cms/api/v2${path}`).set("Host", HOST).set(auth);
    return body === undefined ? req : req.send(body as object);
  };

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ mount: "/cms", plugins: [rasterSourcePlugin(), datasetPlugin()] }));
    ({ auth: ada, user: { id: adaId } } = await userWithKey(db, "ada"));
    ({ auth: bob, user: { id: bobId } } = await userWithKey(db, "bob"));
    const seed: [string, "dataset" | "document" | "raster_source", "Public" | "Private" | "Hidden", number][] = [
      ["publicDataset", "dataset", "Public", adaId],
      ["privateDataset", "dataset", "Private", adaId],
      ["hiddenDataset", "dataset", "Hidden", adaId],
      ["publicDocument", "document", "Public", adaId],
      ["bobDocument", "document", "Private", bobId],
      ["rasterSource", "raster_source", "Public", adaId],
    ];
    for (const [key, type, access_modifier, owner_id] of seed) {
      ids[key] = (await db.prisma.resource.create({ data: { name: key, type, access_modifier, owner_id, extra_metadata: { note: "kept" } } })).id;
    }
  });

  afterAll(async () => {
    await db?.close();
  });

  describe("resource_types", () => {
    const counts = async (auth: Record<string, string>) =>
      Object.fromEntries(((await call("get", "/resources/resource_types/", auth)).body.resource_types as { name: string; count: number }[]).map((t) => [t.name, t.count]));

    it("counts, per type, the resources the caller may see in a list", async () => {
      // Anonymous: the public dataset and document. Ada: her public and private ones (not the hidden one, as lists).
      expect(await counts({})).toEqual({ dataset: 1, document: 1 });
      expect(await counts(ada)).toEqual({ dataset: 2, document: 1 });
      expect(await counts(bob)).toEqual({ dataset: 1, document: 2 });
      // The counts are what the lists total.
      for (const [auth, type] of [[ada, "datasets"], [bob, "documents"], [{}, "datasets"]] as const) {
        const list = await call("get", `/${type}/`, auth);
        expect(list.body.total).toBe((await counts(auth))[type.slice(0, -1)]);
      }
    });

    it("lists the permissions that may be granted, in names and compact levels", async () => {
      const res = await call("get", "/resources/resource_types/");
      const dataset = res.body.resource_types.find((t: { name: string }) => t.name === "dataset");
      expect(dataset.allowed_perms.perms.anonymous).toEqual(["view_resourcebase", "download_resourcebase"]);
      expect(dataset.allowed_perms.perms.default).toEqual(expect.arrayContaining(["change_resourcebase_permissions", "change_dataset_data"]));
      expect(dataset.allowed_perms.compact.anonymous.map((c: { name: string }) => c.name)).toEqual(["none", "view", "download"]);
      expect(dataset.allowed_perms.compact.default.map((c: { name: string }) => c.name)).toEqual(["view", "download", "edit", "manage", "owner"]);
    });
  });

  describe("extra_metadata", () => {
    const entry = (value: string) => ({ filter_header: "Theme", field_name: "theme", field_label: "Theme", field_value: value });
    const path = () => `/resources/${ids.publicDataset}/extra_metadata/`;

    it("POST adds entries with new ids and answers the whole list (201)", async () => {
      const res = await call("post", path(), ada, [entry("water"), entry("soil")]);
      expect(res.status).toBe(201);
      expect(res.body).toEqual([{ id: 1, ...entry("water") }, { id: 2, ...entry("soil") }]);
      expect((await call("get", path())).body).toEqual(res.body);
    });

    it("GET filters on query parameters; the detail renders the entries under extra_metadata", async () => {
      expect((await call("get", `${path()}?field_value=soil`)).body).toEqual([{ id: 2, ...entry("soil") }]);
      const detail = await call("get", `/resources/${ids.publicDataset}/`);
      expect(detail.body.resource.extra_metadata).toEqual([{ id: 1, ...entry("water") }, { id: 2, ...entry("soil") }]);
    });

    it("PUT updates by id, DELETE removes by id; the resource's other extra metadata stays", async () => {
      const put = await call("put", path(), ada, [{ id: 2, ...entry("sand") }, { id: 99, ...entry("ignored") }]);
      expect(put.body).toEqual([{ id: 1, ...entry("water") }, { id: 2, ...entry("sand") }]);
      const removed = await call("delete", path(), ada, [1]);
      expect(removed.status).toBe(200);
      expect(removed.body).toEqual([{ id: 2, ...entry("sand") }]);
      const row = await db.prisma.resource.findUniqueOrThrow({ where: { id: ids.publicDataset! } });
      expect(row.extra_metadata).toEqual({ note: "kept", geonode_extra_metadata: [{ id: 2, ...entry("sand") }] });
    });

    it("concurrent POSTs each land (no lost update)", async () => {
      const results = await Promise.all(["a", "b", "c", "d"].map((v) => call("post", path(), ada, [entry(v)])));
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      const values = ((await call("get", path())).body as { field_value: string; id: number }[]).map((e) => e.field_value).sort();
      expect(values).toEqual(["a", "b", "c", "d", "sand"]);
    });

    it("bad bodies are 400s; writes need change rights; unreadable is a 404", async () => {
      expect((await call("post", path(), ada, [{ field_name: "x" }])).status).toBe(400);
      expect((await call("post", path(), ada, {})).status).toBe(400);
      expect((await call("put", path(), ada, [entry("no id")])).status).toBe(400);
      expect((await call("delete", path(), ada, ["x"])).status).toBe(400);
      expect((await call("post", path(), {}, [entry("x")])).status).toBe(401);
      const forbidden = await call("post", path(), bob, [entry("x")]);
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toMatchObject({ success: false, code: "permission_denied" });
      expect((await call("get", `/resources/${ids.privateDataset}/extra_metadata/`, bob)).status).toBe(404);
      expect((await call("get", `/resources/${ids.rasterSource}/extra_metadata/`)).status).toBe(404);
    });
  });

  describe("permissions", () => {
    const path = () => `/resources/${ids.privateDataset}/permissions/`;

    it("GET answers the compact perm_spec: the owner and the anonymous entry", async () => {
      const res = await call("get", path(), ada);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ users: [{ id: adaId, username: "ada", permissions: "owner" }], organizations: [], groups: [{ name: "anonymous", permissions: "none" }] });
    });

    it("PUT grants levels; the grantee then sees (and only sees) the resource", async () => {
      expect((await call("get", `/resources/${ids.privateDataset}/`, bob)).status).toBe(404);
      const put = await call("put", path(), ada, { users: [{ id: bobId, permissions: "view" }], organizations: [], groups: [] });
      expect(put.status).toBe(200);
      expect(put.body.users).toEqual([
        { id: adaId, username: "ada", permissions: "owner" },
        { id: bobId, username: "bob", permissions: "view" },
      ]);
      const detail = await call("get", `/datasets/${ids.privateDataset}/`, bob);
      expect(detail.status).toBe(200);
      expect(detail.body.dataset.perms).toEqual(["view_resourcebase"]);
      expect((await call("patch", `/datasets/${ids.privateDataset}/`, bob, { title: "x" })).status).toBe(403);
    });

    it("PATCH merges a level; DELETE resets to the owner only", async () => {
      const patched = await call("patch", path(), ada, { users: [{ id: bobId, permissions: "edit" }] });
      expect(patched.body.users).toContainEqual({ id: bobId, username: "bob", permissions: "edit" });
      const reset = await call("delete", path(), ada);
      expect(reset.body.users).toEqual([{ id: adaId, username: "ada", permissions: "owner" }]);
      expect((await call("get", `/resources/${ids.privateDataset}/`, bob)).status).toBe(404);
    });

    it("needs a signed-in caller who may manage it: 401, 403 when readable, 404 when not", async () => {
      expect((await call("get", `/resources/${ids.publicDataset}/permissions/`)).status).toBe(401);
      expect((await call("get", `/resources/${ids.publicDataset}/permissions/`, bob)).status).toBe(403);
      expect((await call("get", path(), bob)).status).toBe(404);
      const bad = await call("put", path(), ada, { users: [{ id: bobId, permissions: "superpower" }] });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe("invalid");
    });
  });
});
