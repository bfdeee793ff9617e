import request from "supertest";
import type { Express } from "express";
import { issueApiKey, type Database } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { createTestApp, userWithKey } from "./helpers/app.js";

/**
 * dynamic-rest's `PATCH ?patch-all=true` on GeoNode's lists: the body goes to every record the
 * filters match that the caller may change, and to nothing else. The check is the whole
 * database: every Resource, Dataset and PermissionGrant row is read before and after, and the
 * rows and columns that differ must be exactly the ones written out below by hand from who may
 * change what (owner, a user grant, a group grant, an organisation editor) and what the filter
 * matches; rows the caller may only view, may not see, of another plugin or not matching stay
 * byte for byte the same.
 */

type Snapshot = Map<string, Record<string, unknown>>;

describe("GeoNode API v2: patch-all changes exactly the filtered records the caller may change", () => {
  let db: Database;
  let app: Express;
  let bob: Record<string, string>;
  let bobRead: Record<string, string>;
  const ids: Record<string, number> = {};

  const patchAll = (path: string, body: unknown, auth = bob) => request(app).patch(`/api/v2${path}`).set(auth).send(body as object);

  /** Every row of the tables a patch could touch, keyed by table and id. */
  async function snapshot(): Promise<Snapshot> {
    const rows: Snapshot = new Map();
    for (const r of await db.prisma.resource.findMany()) rows.set(`Resource:${r.id}`, { ...r });
    for (const d of await db.prisma.dataset.findMany()) rows.set(`Dataset:${d.resource_id}`, { ...d });
    for (const g of await db.prisma.permissionGrant.findMany()) rows.set(`PermissionGrant:${g.id}`, { ...g });
    return rows;
  }

  /** `{"Resource:<key>": ["description", …]}`: what changed, by the seed's names. */
  function changes(before: Snapshot, after: Snapshot): Record<string, string[]> {
    const names = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
    const out: Record<string, string[]> = {};
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      const [table, id] = key.split(":");
      const label = `${table}:${names.get(Number(id)) ?? id}`;
      const a = before.get(key);
      const b = after.get(key);
      if (!a || !b) {
        out[label] = [a ? "deleted" : "created"];
        continue;
      }
      const columns = Object.keys(b).filter((c) => JSON.stringify(a[c]) !== JSON.stringify(b[c]));
      if (columns.length > 0) out[label] = columns.sort();
    }
    return out;
  }

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ plugins: [rasterSourcePlugin(), datasetPlugin()], pipeline: { worker: false } }));
    const board = await db.prisma.organisation.create({ data: { name: "Water board" } });
    const reviewers = await db.prisma.group.create({ data: { name: "reviewers" } });
    const { user: ada } = await userWithKey(db, "ada");
    const bobUser = await userWithKey(db, "bob", { organisations: [{ id: board.id, role: "editor" }], groups: [reviewers.id] });
    bob = bobUser.auth;
    // A read-scoped key of Bob's own: it may change nothing.
    bobRead = { Authorization: `Bearer ${(await issueApiKey(db.prisma, bobUser.user.id, { scopes: ["read"] })).secret}` };
    const seed: [string, string, string, "Public" | "Private", number, number | null][] = [
      // [name, title, type, access, owner, organisation]
      ["bobOwn", "River Aa", "dataset", "Private", bobUser.user.id, null],
      ["userGrant", "River Dommel", "dataset", "Public", ada.id, null],
      ["groupGrant", "River Dinkel", "dataset", "Private", ada.id, null],
      ["orgEditor", "River report", "document", "Public", ada.id, board.id],
      ["viewOnly", "River Vecht", "dataset", "Private", ada.id, null],
      ["publicOnly", "River Maas", "dataset", "Public", ada.id, null],
      ["unseen", "River Rijn", "dataset", "Private", ada.id, null],
      ["otherPlugin", "River raster", "raster_source", "Private", bobUser.user.id, null],
      ["noMatch", "Lake IJssel", "dataset", "Private", bobUser.user.id, null],
    ];
    for (const [name, title, type, access_modifier, owner_id, organisation_id] of seed) {
      const dataset = type === "raster_source" ? {} : { dataset: { create: { subtype: type === "document" ? "document" : "vector", category: "boundaries" } } };
      ids[name] = (await db.prisma.resource.create({ data: { name: title, type, access_modifier, owner_id, organisation_id, description: "as seeded", tags: ["seed"], ...dataset } })).id;
    }
    await db.prisma.permissionGrant.createMany({
      data: [
        { resource_id: ids.userGrant!, subject_type: "user", user_id: bobUser.user.id, permission: "change_metadata" },
        { resource_id: ids.groupGrant!, subject_type: "group", group_id: reviewers.id, permission: "view" },
        { resource_id: ids.groupGrant!, subject_type: "group", group_id: reviewers.id, permission: "change_metadata" },
        { resource_id: ids.viewOnly!, subject_type: "user", user_id: bobUser.user.id, permission: "view" },
      ],
    });
  });

  afterAll(async () => {
    await db?.close();
  });

  it("/resources/: the abstract of the four Bob may change, and only their abstract (and updated_at)", async () => {
    const before = await snapshot();
    const res = await patchAll("/resources/?filter{title.icontains}=river&patch-all=true", { abstract: "patched" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ meta: { updated: 4 } });
    const written = ["description", "updated_at"];
    expect(changes(before, await snapshot())).toEqual({
      "Resource:bobOwn": written,
      "Resource:userGrant": written,
      "Resource:groupGrant": written,
      "Resource:orgEditor": written,
    });
    const patched = await db.prisma.resource.findMany({ where: { description: "patched" }, select: { id: true } });
    expect(patched.map((r) => r.id).sort()).toEqual([ids.bobOwn, ids.userGrant, ids.groupGrant, ids.orgEditor].sort());
  });

  it("/datasets/: a Dataset column (category) on the three datasets, not the document nor any other row", async () => {
    const before = await snapshot();
    const res = await patchAll("/datasets/?filter{title.icontains}=river&patch-all=true", { category: { identifier: "inlandWaters" } });
    expect(res.body).toEqual({ meta: { updated: 3 } });
    const diff = changes(before, await snapshot());
    // Whether the Resource row's updated_at moves with a Dataset-only write is not GeoNode's concern; the rest is.
    for (const key of Object.keys(diff)) if (key.startsWith("Resource:")) expect(diff[key]).toEqual(["updated_at"]);
    expect(Object.fromEntries(Object.entries(diff).filter(([key]) => !key.startsWith("Resource:")))).toEqual({
      "Dataset:bobOwn": ["category"],
      "Dataset:userGrant": ["category"],
      "Dataset:groupGrant": ["category"],
    });
    const resourceKeys = Object.keys(diff).filter((key) => key.startsWith("Resource:"));
    expect(resourceKeys.every((key) => ["Resource:bobOwn", "Resource:userGrant", "Resource:groupGrant"].includes(key))).toBe(true);
  });

  it("a management flag the caller may not set is kept on every match, the rest of the body still written", async () => {
    const before = await snapshot();
    const res = await patchAll("/datasets/?filter{title.icontains}=river&patch-all=true", { featured: true, abstract: "again" });
    expect(res.body).toEqual({ meta: { updated: 3 } });
    const diff = changes(before, await snapshot());
    expect(Object.keys(diff).filter((key) => key.startsWith("Dataset:"))).toEqual([]);
    expect(Object.keys(diff).sort()).toEqual(["Resource:bobOwn", "Resource:groupGrant", "Resource:userGrant"]);
    for (const columns of Object.values(diff)) expect(columns).toEqual(["description", "updated_at"]);
  });

  it("without a filter: every record of the endpoint Bob may change, his non-matching lake included", async () => {
    const before = await snapshot();
    const res = await patchAll("/resources/?patch-all=true", { abstract: "all of bob's" });
    expect(res.body).toEqual({ meta: { updated: 5 } });
    expect(Object.keys(changes(before, await snapshot())).sort()).toEqual(["Resource:bobOwn", "Resource:groupGrant", "Resource:noMatch", "Resource:orgEditor", "Resource:userGrant"]);
  });

  it("a bad body is a 400 and changes nothing; so do an anonymous caller and a filter matching nothing Bob may change", async () => {
    const before = await snapshot();
    const bad = await patchAll("/resources/?filter{title.icontains}=river&patch-all=true", { title: "" });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, code: "invalid" });
    const badCategory = await patchAll("/datasets/?filter{title.icontains}=river&patch-all=true", { category: { identifier: "no-such-category" } });
    expect(badCategory.status).toBe(400);
    expect((await patchAll("/resources/?patch-all=true", { abstract: "x" }, {})).status).toBe(401);
    const none = await patchAll("/resources/?filter{title}=River Maas&patch-all=true", { abstract: "not bob's" });
    expect(none.body).toEqual({ meta: { updated: 0 } });
    expect(changes(before, await snapshot())).toEqual({});
  });

  it("a read-scoped key changes nothing: it is refused, or matches nothing", async () => {
    const before = await snapshot();
    const res = await patchAll("/resources/?filter{title.icontains}=river&patch-all=true", { abstract: "read key" }, bobRead);
    expect(res.status === 403 || (res.status === 200 && res.body.meta?.updated === 0)).toBe(true);
    expect(changes(before, await snapshot())).toEqual({});
  });
});
