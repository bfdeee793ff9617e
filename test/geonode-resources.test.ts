import request from "supertest";
import type { Express } from "express";
import type { Database } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { createTestApp, userWithKey } from "./helpers/app.js";

/**
 * GeoNode's REST API v2 resource endpoints (/api/v2/resources, /datasets,
 * /documents): the envelope and its paging links, dynamic-rest filters,
 * include/exclude, details, bulk writes and patch-all, checked against the
 * seed below (expected results written out by hand) and the database.
 */

const HOST = "geonode.test";
const API = `http://${HOST}/cms/api/v2`;

describe("GeoNode API v2: resources", () => {
  let db: Database;
  let app: Express;
  let ada: Record<string, string>;
  let bob: Record<string, string>;
  let adaId: number;
  let bobId: number;
  const ids: Record<string, number> = {};

  const get = (path: string, auth: Record<string, string> = {}) => request(app).get(`/cms/api/v2${path}`).set("Host", HOST).set(auth);
  const send = (method: "post" | "put" | "patch" | "delete", path: string, auth: Record<string, string>, body?: unknown) =>
    request(app)[method](`/cms/api/v2${path}`).set("Host", HOST).set(auth).send(body as object);
  const titles = (body: Record<string, unknown>, key = "resources") => (body[key] as { title: string }[]).map((r) => r.title);

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ mount: "/cms", plugins: [rasterSourcePlugin(), datasetPlugin()] }));
    const { user: adaUser, auth: adaAuth } = await userWithKey(db, "ada");
    const { user: bobUser, auth: bobAuth } = await userWithKey(db, "bob");
    ada = adaAuth;
    bob = bobAuth;
    adaId = adaUser.id;
    bobId = bobUser.id;
    const seed: [string, string, "dataset" | "document", "Public" | "Private", number, string[], string][] = [
      ["rain", "Rain radar", "dataset", "Public", adaId, ["rain", "radar"], "2024-01-01T00:00:00Z"],
      ["rainPrivate", "Rain private", "dataset", "Private", adaId, ["rain"], "2024-02-01T00:00:00Z"],
      ["elevation", "Elevation AHN", "dataset", "Public", adaId, ["dem"], "2024-03-01T00:00:00Z"],
      ["report", "Rain report", "document", "Public", adaId, [], "2024-04-01T00:00:00Z"],
      ["bobRain", "Bob's rain gauge", "dataset", "Private", bobId, ["rain"], "2024-05-01T00:00:00Z"],
    ];
    for (const [key, name, type, access_modifier, owner_id, tags, created] of seed) {
      ids[key] = (await db.prisma.resource.create({ data: { name, type, access_modifier, owner_id, tags, created_at: new Date(created), description: `${name} abstract` } })).id;
    }
    // A resource of another plugin is not a GeoNode resource.
    await db.prisma.resource.create({ data: { name: "Rain raster source", type: "raster_source", access_modifier: "Public", owner_id: adaId } });
    // Bob may change the metadata of Ada's public rain radar.
    await db.prisma.permissionGrant.create({ data: { resource_id: ids.rain!, subject_type: "user", user_id: bobId, permission: "change_metadata" } });
  });

  afterAll(async () => {
    await db?.close();
  });

  describe("lists", () => {
    it("answers GeoNode's envelope, newest first, 10 a page, with what an anonymous caller may see", async () => {
      const res = await get("/resources/");
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ links: { next: null, previous: null }, total: 3, page: 1, page_size: 10 });
      expect(titles(res.body)).toEqual(["Rain report", "Elevation AHN", "Rain radar"]);
    });

    it("pages with page and page_size, the links keeping the other parameters", async () => {
      const first = await get("/resources/?page_size=2&filter{title.icontains}=a", ada);
      expect(first.body).toMatchObject({ total: 4, page: 1, page_size: 2 });
      expect(titles(first.body)).toEqual(["Rain report", "Elevation AHN"]);
      const next = new URL(first.body.links.next as string);
      expect(`${next.origin}${next.pathname}`).toBe(`${API}/resources/`);
      expect(Object.fromEntries(next.searchParams)).toEqual({ page_size: "2", page: "2", "filter{title.icontains}": "a" });
      expect(first.body.links.previous).toBeNull();
      const second = await get(`/resources/?${next.searchParams}`, ada);
      expect(second.body).toMatchObject({ total: 4, page: 2, page_size: 2, links: { next: null } });
      expect(titles(second.body)).toEqual(["Rain private", "Rain radar"]);
      // The link back to page 1 carries no page parameter (DRF's remove_query_param).
      const previous = new URL(second.body.links.previous as string);
      expect(Object.fromEntries(previous.searchParams)).toEqual({ page_size: "2", "filter{title.icontains}": "a" });
      expect((await get("/resources/?page_size=2&page=last&filter{title.icontains}=a", ada)).body).toMatchObject({ page: 2 });
    });

    it("a page past the last is GeoNode's 404", async () => {
      const res = await get("/resources/?page=9");
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ success: false, errors: ["Invalid page."], code: "not_found" });
    });

    it("Ada (owner) sees her private ones, Bob his own; neither sees the other plugin's resources", async () => {
      expect(titles((await get("/resources/", ada)).body)).toEqual(["Rain report", "Elevation AHN", "Rain private", "Rain radar"]);
      expect(titles((await get("/resources/", bob)).body)).toEqual(["Bob's rain gauge", "Rain report", "Elevation AHN", "Rain radar"]);
    });

    it("/datasets/ and /documents/ list one type under their own key", async () => {
      const datasets = await get("/datasets/", ada);
      expect(datasets.body.total).toBe(3);
      expect(titles(datasets.body, "datasets")).toEqual(["Elevation AHN", "Rain private", "Rain radar"]);
      const documents = await get("/documents/", ada);
      expect(titles(documents.body, "documents")).toEqual(["Rain report"]);
      expect(documents.body.documents[0].resource_type).toBe("document");
    });

    it.each([
      ["filter{title.icontains}=RAIN", ["Rain report", "Rain private", "Rain radar"]],
      ["filter{title.startswith}=Rain&filter{resource_type}=dataset", ["Rain private", "Rain radar"]],
      ["filter{-title.icontains}=rain", ["Elevation AHN"]],
      ["filter{keywords.name.in}=dem&filter{keywords.name.in}=radar", ["Elevation AHN", "Rain radar"]],
      ["filter{owner.username}=ada&filter{created.gte}=2024-02-01", ["Rain report", "Elevation AHN", "Rain private"]],
      ["filter{pk.in}=IDS", ["Elevation AHN", "Rain radar"]],
      ["sort[]=title", ["Elevation AHN", "Rain private", "Rain radar", "Rain report"]],
      ["sort[]=-created&page_size=1", ["Rain report"]],
      ["search=rain%20private", ["Rain private"]],
      ["search=abstract&search_fields=abstract&filter{title.iendswith}=AHN", ["Elevation AHN"]],
    ])("%s", async (query, expected) => {
      const q = query.replace("filter{pk.in}=IDS", `filter{pk.in}=${ids.rain}&filter{pk.in}=${ids.elevation}`);
      const res = await get(`/resources/?${q}`, ada);
      expect(res.status).toBe(200);
      expect(titles(res.body)).toEqual(expected);
    });

    it("a bad filter is GeoNode's 400, never a 500", async () => {
      for (const query of ["filter{nope}=1", "filter{pk}=x", "sort[]=nope", "filter{title", "extent=1,2"]) {
        const res = await get(`/resources/?${query}`);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ success: false, code: "invalid" });
        expect(res.body.errors).toHaveLength(1);
      }
      expect((await get("/resources/?filter{nope}=1")).body.errors).toEqual(["Invalid filter field: nope"]);
    });

    it("include[]/exclude[] and api_preset choose the rendered fields", async () => {
      const bare = await get("/resources/?api_preset=bare&filter{title}=Rain radar");
      expect(bare.body.resources).toEqual([{ pk: String(ids.rain), title: "Rain radar", resource_type: "dataset" }]);
      const nested = await get("/resources/?exclude[]=*&include[]=pk&include[]=owner.username&exclude[]=owner.*&filter{title}=Rain radar");
      expect(nested.body.resources).toEqual([{ pk: String(ids.rain), owner: { username: "ada" } }]);
      const dropped = await get("/resources/?exclude[]=abstract&filter{title}=Rain radar");
      expect(dropped.body.resources[0]).not.toHaveProperty("abstract");
      expect(dropped.body.resources[0]).toHaveProperty("title", "Rain radar");
      const metadata = await get("/resources/?include[]=metadata&filter{title}=Rain radar");
      expect(metadata.body.resources[0]).toHaveProperty("metadata");
      expect((await get("/resources/")).body.resources[0]).not.toHaveProperty("metadata");
      const bad = await get("/resources/?include[]=nope");
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual(['"nope" is not a valid field name for "resource".']);
    });
  });

  describe("details", () => {
    it("GET wraps the record in its singular key with GeoNode's fields", async () => {
      const res = await get(`/datasets/${ids.rain}/`, bob);
      expect(res.status).toBe(200);
      const dataset = res.body.dataset;
      expect(dataset).toMatchObject({
        pk: String(ids.rain),
        title: "Rain radar",
        abstract: "Rain radar abstract",
        resource_type: "dataset",
        owner: { pk: adaId, username: "ada" },
        keywords: [{ name: "rain", slug: "rain" }, { name: "radar", slug: "radar" }],
        link: `${API}/resources/${ids.rain}`,
        created: "2024-01-01T00:00:00.000Z",
      });
      // Bob may view, download and change the metadata (his grant), nothing else.
      expect(dataset.perms).toEqual(["view_resourcebase", "download_resourcebase", "change_resourcebase_metadata"]);
      expect(dataset.bbox_polygon.type).toBe("Polygon");
      expect((await get(`/resources/${ids.rain}/`, ada)).body.resource.perms).toContain("change_resourcebase_permissions");
    });

    it("an unreadable resource is a 404 everywhere, as is one of another type or plugin", async () => {
      for (const path of [`/resources/${ids.rainPrivate}/`, `/datasets/${ids.rainPrivate}/`, `/datasets/${ids.report}/`, `/documents/${ids.rain}/`, `/resources/999999/`, `/resources/abc/`]) {
        const res = await get(path, bob);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ success: false, code: "not_found" });
      }
      expect((await send("patch", `/resources/${ids.rainPrivate}/`, bob, { title: "x" })).status).toBe(404);
      expect((await send("delete", `/resources/${ids.rainPrivate}/`, bob)).status).toBe(404);
    });

    it("/{id}/{field_name}/ answers a relation field", async () => {
      const owner = await get(`/resources/${ids.rain}/owner/`);
      expect(owner.status).toBe(200);
      expect(owner.body).toEqual({ owner: expect.objectContaining({ pk: adaId, username: "ada" }) });
      expect((await get(`/datasets/${ids.rain}/keywords/`)).body).toEqual({ keywords: [{ name: "rain", slug: "rain" }, { name: "radar", slug: "radar" }] });
      expect((await get(`/resources/${ids.rain}/title/`)).status).toBe(400);
      expect((await get(`/resources/${ids.rain}/nope/`)).status).toBe(404);
      expect((await get(`/resources/${ids.rainPrivate}/owner/`)).status).toBe(404);
    });

    it("PATCH and PUT change title, abstract and keywords; bare or enveloped bodies", async () => {
      const patched = await send("patch", `/datasets/${ids.elevation}/`, ada, { abstract: "AHN 0.5 m", keywords: ["dem", { name: "height" }], popular_count: 99 });
      expect(patched.status).toBe(200);
      expect(patched.body.dataset).toMatchObject({ title: "Elevation AHN", abstract: "AHN 0.5 m", keywords: [{ name: "dem" }, { name: "height" }] });
      const put = await send("put", `/resources/${ids.elevation}/`, ada, { resource: { title: "Elevation AHN4" } });
      expect(put.body.resource.title).toBe("Elevation AHN4");
      const row = await db.prisma.resource.findUniqueOrThrow({ where: { id: ids.elevation! } });
      expect(row).toMatchObject({ name: "Elevation AHN4", description: "AHN 0.5 m", tags: ["dem", "height"] });
    });

    it("a bad value is a 400 naming the field; PUT without a title too", async () => {
      const res = await send("patch", `/resources/${ids.elevation}/`, ada, { title: "" });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ success: false, errors: ["title: This field may not be blank."], code: "invalid" });
      expect((await send("put", `/resources/${ids.elevation}/`, ada, { abstract: "x" })).status).toBe(400);
      expect((await send("patch", `/resources/${ids.elevation}/`, ada, { keywords: "dem" })).status).toBe(400);
    });

    it("writes need a signed-in caller who may change the resource", async () => {
      const anonymous = await send("patch", `/resources/${ids.elevation}/`, {}, { title: "x" });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.code).toBe("not_authenticated");
      const forbidden = await send("patch", `/resources/${ids.elevation}/`, bob, { title: "x" });
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.code).toBe("permission_denied");
      expect((await send("delete", `/resources/${ids.elevation}/`, bob)).status).toBe(403);
    });
  });

  describe("bulk and patch-all", () => {
    it("POST a list creates every resource, owned by the caller, or none", async () => {
      const created = await send("post", "/resources/", bob, [
        { title: "Bulk one", resource_type: "dataset" },
        { title: "Bulk two", resource_type: "document", keywords: ["bulk"] },
      ]);
      expect(created.status).toBe(201);
      expect(created.body.resources.map((r: { title: string; resource_type: string }) => [r.title, r.resource_type])).toEqual([
        ["Bulk one", "dataset"],
        ["Bulk two", "document"],
      ]);
      const rows = await db.prisma.resource.findMany({ where: { name: { startsWith: "Bulk" } }, orderBy: { name: "asc" } });
      expect(rows.map((r) => [r.name, r.owner_id, r.type])).toEqual([
        ["Bulk one", bobId, "dataset"],
        ["Bulk two", bobId, "document"],
      ]);
      const bad = await send("post", "/resources/", bob, { resources: [{ title: "Bulk three" }, { title: "" }] });
      expect(bad.status).toBe(400);
      expect(await db.prisma.resource.count({ where: { name: "Bulk three" } })).toBe(0);
      const single = await send("post", "/resources/", bob, { resource: { title: "Bulk single", resource_type: "dataset" } });
      expect(single.status).toBe(201);
      expect(single.body.resource).toMatchObject({ title: "Bulk single", resource_type: "dataset" });
      expect((await send("post", "/resources/", bob, { title: "No type" })).body.errors).toEqual(['resource_type: "undefined" is not a valid choice; allowed: dataset, document.']);
      expect((await send("post", "/resources/", {}, [{ title: "x" }])).status).toBe(401);
    });

    it("PATCH a list updates each by id; one the caller may not change fails the whole request", async () => {
      const bulk = await db.prisma.resource.findMany({ where: { name: { startsWith: "Bulk" } }, orderBy: { name: "asc" } });
      const res = await send("patch", "/resources/", bob, bulk.slice(0, 2).map((r, i) => ({ id: r.id, abstract: `bulk ${i}` })));
      expect(res.status).toBe(200);
      expect(res.body.resources.map((r: { abstract: string }) => r.abstract)).toEqual(["bulk 0", "bulk 1"]);
      const refused = await send("patch", "/resources/", bob, [
        { id: bulk[0]!.id, abstract: "changed" },
        { id: ids.elevation, abstract: "not bob's" },
      ]);
      expect(refused.status).toBe(403);
      expect((await db.prisma.resource.findUniqueOrThrow({ where: { id: bulk[0]!.id } })).description).toBe("bulk 0");
    });

    it("DELETE a list deletes them all, after checking each", async () => {
      const bulk = await db.prisma.resource.findMany({ where: { name: { startsWith: "Bulk" } } });
      const refused = await send("delete", "/resources/", bob, [{ id: bulk[0]!.id }, { id: ids.elevation }]);
      expect(refused.status).toBe(403);
      expect(await db.prisma.resource.count({ where: { name: { startsWith: "Bulk" } } })).toBe(3);
      const res = await send("delete", "/resources/", bob, { resources: bulk.map((r) => ({ id: r.id })) });
      expect(res.status).toBe(204);
      expect(await db.prisma.resource.count({ where: { name: { startsWith: "Bulk" } } })).toBe(0);
    });

    it("PATCH ?patch-all=true updates exactly the filtered records the caller may change, in one statement", async () => {
      const before = await db.prisma.resource.findMany({ orderBy: { id: "asc" } });
      // Rain resources: rain (Bob has change_metadata), rainPrivate (unseen by Bob), report (Ada's, seen, not changeable), bobRain (his).
      const res = await send("patch", "/resources/?filter{title.icontains}=rain&patch-all=true", bob, { abstract: "patched by bob" });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ meta: { updated: 2 } });
      const after = await db.prisma.resource.findMany({ orderBy: { id: "asc" } });
      const changed = after.filter((row, i) => row.description !== before[i]!.description).map((row) => row.id);
      expect(changed.sort()).toEqual([ids.rain, ids.bobRain].sort());
      expect(after.filter((row) => row.description === "patched by bob")).toHaveLength(2);
    });

    it("patch-all on a typed endpoint stays inside its type; patch-all=false is a 400", async () => {
      const res = await send("patch", "/documents/?filter{title.icontains}=rain&patch-all=true", ada, { abstract: "docs only" });
      expect(res.body).toEqual({ meta: { updated: 1 } });
      expect((await db.prisma.resource.findUniqueOrThrow({ where: { id: ids.report! } })).description).toBe("docs only");
      expect((await send("patch", "/resources/?patch-all=false", ada, { abstract: "x" })).status).toBe(400);
      expect((await send("patch", "/resources/?patch-all=true", {}, { abstract: "x" })).status).toBe(401);
    });
  });

  describe("metadata writes (category, license, regions, date, flags)", () => {
    let soil = 0;
    let carol: Record<string, string>;
    let root: Record<string, string>;
    const dataset = async () => db.prisma.dataset.findUniqueOrThrow({ where: { resource_id: soil } });

    beforeAll(async () => {
      const org = await db.prisma.organisation.create({ data: { name: "Soil lab" } });
      ({ auth: carol } = await userWithKey(db, "carol", { organisations: [{ id: org.id, role: "admin" }] }));
      ({ auth: root } = await userWithKey(db, "root", { superuser: true }));
      // No Dataset row yet: the first write makes it.
      soil = (await db.prisma.resource.create({ data: { name: "Soil moisture", type: "dataset", access_modifier: "Public", owner_id: adaId, organisation_id: org.id } })).id;
      await db.prisma.permissionGrant.create({ data: { resource_id: soil, subject_type: "user", user_id: bobId, permission: "change_metadata" } });
    });

    it("PATCH writes category and license ({identifier}), regions, date and date_type as GeoNode's serializer reads them; the owner may unpublish", async () => {
      const res = await send("patch", `/datasets/${soil}/`, ada, {
        category: { identifier: "elevation" },
        license: { identifier: "cc-by-4.0" },
        regions: ["NLD", { code: "BEL" }],
        date: "2023-05-06T07:08:09Z",
        date_type: "creation",
        is_published: false,
      });
      expect(res.status).toBe(200);
      expect(res.body.dataset).toMatchObject({
        category: { identifier: "elevation" },
        license: { identifier: "cc-by-4.0" },
        regions: [{ code: "NLD", name: "NLD" }, { code: "BEL", name: "BEL" }],
        date: "2023-05-06T07:08:09.000Z",
        date_type: "creation",
        is_published: false,
      });
      expect(await dataset()).toMatchObject({ subtype: "vector", category: "elevation", license: "cc-by-4.0", regions: ["NLD", "BEL"], date: new Date("2023-05-06T07:08:09Z"), date_type: "creation", is_published: false });
    });

    it("category by pk (TopicCategory 1 is biota) or as JSON text; null clears it and the license", async () => {
      expect((await send("patch", `/resources/${soil}/`, ada, { category: 1 })).body.resource.category).toEqual({ identifier: "biota" });
      expect((await send("patch", `/resources/${soil}/`, ada, { category: '{"identifier": "oceans"}' })).body.resource.category).toEqual({ identifier: "oceans" });
      const cleared = await send("patch", `/resources/${soil}/`, ada, { category: null, license: null });
      expect(cleared.body.resource).toMatchObject({ category: null, license: null });
      expect(await dataset()).toMatchObject({ category: null, license: null });
    });

    it("a bad value is a 400 naming the field, and nothing is written", async () => {
      const before = await dataset();
      const cases: [Record<string, unknown>, string][] = [
        [{ category: { identifier: "nope" } }, `category: Invalid value for 'category': TopicCategory object with ID={"identifier":"nope"} not found`],
        [{ category: 99 }, "category: Invalid value for 'category': TopicCategory object with ID=99 not found"],
        [{ date: "yesterday" }, "date: Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."],
        [{ date_type: "someday" }, 'date_type: "someday" is not a valid choice.'],
        [{ featured: "maybe" }, "featured: Must be a valid boolean."],
        [{ regions: "NLD" }, 'regions: Expected a list of region codes ("NLD") or {"code": …}.'],
      ];
      for (const [body, message] of cases) {
        const res = await send("patch", `/resources/${soil}/`, root, { title: "Soil (bad)", ...body });
        expect([res.status, res.body]).toEqual([400, { success: false, errors: [message], code: "invalid" }]);
      }
      expect(await dataset()).toEqual(before);
      expect((await db.prisma.resource.findUniqueOrThrow({ where: { id: soil } })).name).toBe("Soil moisture");
    });

    it("is_approved and featured follow GeoNode's management rules: kept (no error) unless the caller may change them", async () => {
      // Ada owns it: she may publish, not approve or feature.
      const owner = await send("patch", `/resources/${soil}/`, ada, { is_approved: false, featured: true, is_published: true });
      expect(owner.status).toBe(200);
      expect(await dataset()).toMatchObject({ is_approved: true, featured: false, is_published: true });
      // Bob may change the metadata only: the category is written, publishing kept.
      expect((await send("patch", `/resources/${soil}/`, bob, { category: { identifier: "farming" }, is_published: false })).status).toBe(200);
      expect(await dataset()).toMatchObject({ category: "farming", is_published: true });
      // Carol administers the resource's organisation: she may approve, not feature.
      await send("patch", `/resources/${soil}/`, carol, { is_approved: false, featured: true });
      expect(await dataset()).toMatchObject({ is_approved: false, featured: false });
      // A superuser may do both.
      const staff = await send("patch", `/resources/${soil}/`, root, { is_approved: true, featured: true });
      expect(staff.body.resource).toMatchObject({ is_approved: true, featured: true });
      expect(await dataset()).toMatchObject({ is_approved: true, featured: true });
    });

    it("bulk PATCH and patch-all write the Dataset fields too, with the same rules per record", async () => {
      const bulk = await send("patch", "/resources/", ada, [{ id: soil, category: { identifier: "environment" }, featured: false }, { id: ids.elevation, license: { identifier: "odbl" } }]);
      expect(bulk.status).toBe(200);
      expect(await dataset()).toMatchObject({ category: "environment", featured: true });
      expect((await db.prisma.dataset.findUniqueOrThrow({ where: { resource_id: ids.elevation! } })).license).toBe("odbl");
      // Bob may change soil's metadata (his grant): the date type is written, featured kept.
      const all = await send("patch", "/resources/?filter{title.icontains}=soil&patch-all=true", bob, { date_type: "revision", featured: false });
      expect(all.body).toEqual({ meta: { updated: 1 } });
      expect(await dataset()).toMatchObject({ date_type: "revision", featured: true });
      const byRoot = await send("patch", "/resources/?filter{title.icontains}=soil&patch-all=true", root, { featured: false, regions: ["GLO"] });
      expect(byRoot.body).toEqual({ meta: { updated: 1 } });
      expect(await dataset()).toMatchObject({ featured: false, regions: ["GLO"] });
      expect((await send("patch", "/resources/?filter{title.icontains}=soil&patch-all=true", bob, { category: { identifier: "nope" } })).status).toBe(400);
    });
  });
});
