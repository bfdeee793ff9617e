import request from "supertest";
import type { Express } from "express";
import type { Database, UploadState } from "@assets/core";
import { rasterSourcePlugin } from "@assets/raster-source";
import { createTestApp, userWithKey } from "./helpers/app.js";

/**
 * The Lizard API v4 profile's writes (POST, PATCH, PUT, DELETE with its
 * in-use protection) and the uploads listing of a source, against a seed
 * whose expected outcomes are written out by hand.
 */

const HOST = "lizard.test";
const API = `http://${HOST}/api/v4`;
const NS_UUID = "61f5a464-c350-44c1-9bc7-d4b42d7f58cb";
const STATES: UploadState[] = ["requested", "received", "processing", "committed", "rejected", "retry"];

describe("Lizard API v4: raster source writes and uploads", () => {
  let db: Database;
  let app: Express;
  let nsId: number;
  let ddscUuid: string;
  let root: Record<string, string>;
  let erin: Record<string, string>;
  let mike: Record<string, string>;
  let ada: Record<string, string>;
  const anonymous = {};

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ plugins: [rasterSourcePlugin()] }));
    const ns = await db.prisma.organisation.create({ data: { name: "Nelen & Schuurmans", uuid: NS_UUID } });
    const ddsc = await db.prisma.organisation.create({ data: { name: "DDSC" } });
    nsId = ns.id;
    ddscUuid = ddsc.uuid;
    ({ auth: root } = await userWithKey(db, "root", { superuser: true }));
    ({ auth: erin } = await userWithKey(db, "erin", { organisations: [{ id: ns.id, role: "editor" }] }));
    ({ auth: mike } = await userWithKey(db, "mike", { organisations: [{ id: ns.id, role: "member" }] }));
    ({ auth: ada } = await userWithKey(db, "ada", { organisations: [{ id: ns.id, role: "admin" }] }));
  });
  afterAll(async () => {
    await db.close();
  });

  const api = (method: "get" | "post" | "put" | "patch" | "delete", path: string, auth: Record<string, string>) =>
    request(app)[method](`/api/v4${path}`).set("Host", HOST).set(auth);

  /** A raster source straight in the database: its uuid and raster-source id. */
  async function seedSource(name: string, access_modifier: "Public" | "Private" = "Private", organisation_id: number | null = nsId) {
    const row = await db.prisma.resource.create({
      data: { name, type: "raster_source", organisation_id, access_modifier, raster_source: { create: {} } },
      include: { raster_source: true },
    });
    return { uuid: row.uuid, resourceId: row.id, rasterId: row.raster_source!.id };
  }

  it("answers errors raised before the Lizard router (bad key, unparsable JSON) in DRF's shape", async () => {
    const badKey = await api("get", "/rastersources/", { Authorization: "Bearer ak_nothing.atall" });
    expect(badKey.status).toBe(401);
    expect(badKey.body).toEqual({ detail: expect.any(String) });
    const badJson = await api("post", "/rastersources/", root).set("Content-Type", "application/json").send("{not json");
    expect(badJson.status).toBe(400);
    expect(badJson.body).toEqual({ detail: expect.any(String) });
  });

  describe("POST /rastersources/", () => {
    it("creates a resource of type raster_source with its record and answers 201 with the rendered source", async () => {
      const res = await api("post", "/rastersources/", erin).send({
        name: "Rain radar",
        description: "5-minute radar",
        organisation: `${API}/organisations/${NS_UUID}/`,
        access_modifier: "Common",
        supplier_code: "radar-5",
        temporal: true,
        interval: "00:05:00",
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: "Rain radar",
        description: "5-minute radar",
        organisation: { uuid: NS_UUID, name: "Nelen & Schuurmans", url: `${API}/organisations/${NS_UUID}/` },
        access_modifier: "Common",
        supplier: "erin",
        supplier_code: "radar-5",
        temporal: true,
        interval: "00:05:00",
        writable: true,
        layers: [],
        labeltypes: [],
        size: 0,
        first_value_timestamp: "1970-01-01T00:00:00Z",
        last_value_timestamp: "1970-01-01T00:00:00Z",
      });
      expect(res.headers.location).toBe(`${API}/rastersources/${res.body.uuid}/`);
      expect(res.body.url).toBe(res.headers.location);

      const stored = await db.prisma.resource.findUniqueOrThrow({ where: { uuid: res.body.uuid }, include: { raster_source: true } });
      expect(stored).toMatchObject({ id: res.body.id, type: "raster_source", organisation_id: nsId, raster_source: { interval_seconds: 300, temporal: true, supplier_code: "radar-5" } });
      const again = await api("get", `/rastersources/${res.body.uuid}/`, erin);
      expect(again.body).toEqual(res.body);
    });

    it("gives a raster_source created through the generic JSON:API its record, so Lizard's epoch filter finds it", async () => {
      const created = await request(app).post("/resources").set("Host", HOST).set(root)
        .send({ data: { type: "raster_source", attributes: { name: "Generic empty source" } } });
      expect(created.status).toBe(201);
      expect(await db.prisma.rasterSource.count({ where: { resource_id: Number(created.body.data.id) } })).toBe(1);
      const found = await api("get", "/rastersources/?name=Generic empty source&first_value_timestamp=1970-01-01T00:00:00Z".replace(/ /g, "%20"), root);
      expect(found.body.results.map((r: { name: string }) => r.name)).toEqual(["Generic empty source"]);
      expect(found.body.results[0]).toMatchObject({ first_value_timestamp: "1970-01-01T00:00:00Z", last_value_timestamp: "1970-01-01T00:00:00Z" });
    });

    it("takes the organisation as a bare uuid and the access modifier as Lizard's number", async () => {
      const res = await api("post", "/rastersources/", erin).send({ name: "DEM", organisation: NS_UUID.replace(/-/g, ""), access_modifier: 200 });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ access_modifier: "Private", temporal: false, interval: null, supplier_code: null, description: "" });
    });

    it.each([
      [{}, { name: ["This field is required."], organisation: ["This field is required."] }],
      [{ name: "  ", organisation: NS_UUID }, { name: ["This field may not be blank."] }],
      [{ name: "x", organisation: "nowhere" }, { organisation: ["Invalid hyperlink or UUID."] }],
      [{ name: "x", organisation: "00000000-0000-0000-0000-000000000000" }, { organisation: ["Organisation with uuid 00000000-0000-0000-0000-000000000000 does not exist."] }],
      [{ name: "x", organisation: NS_UUID, access_modifier: "Secret" }, { access_modifier: ['"Secret" is not a valid choice.'] }],
      [{ name: "x", organisation: NS_UUID, interval: "five minutes" }, { interval: ["Duration has wrong format. Use one of these formats instead: [DD] [HH:[MM:]]ss[.uuuuuu]."] }],
      [{ name: "x", organisation: NS_UUID, interval: "00:00:00" }, { interval: ["The interval must be longer than zero."] }],
    ])("answers %j with a field-keyed 400", async (body, errors) => {
      const res = await api("post", "/rastersources/", erin).send(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(errors);
    });

    it("refuses a non-object body", async () => {
      const res = await api("post", "/rastersources/", erin).send([1, 2]);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ non_field_errors: ["Invalid data. Expected a dictionary, but got list."] });
    });

    it("answers anonymous callers 401 with a challenge, and members without the editor role 403", async () => {
      const anon = await api("post", "/rastersources/", anonymous).send({});
      expect(anon.status).toBe(401);
      expect(anon.body).toEqual({ detail: "Authentication credentials were not provided." });
      expect(anon.headers["www-authenticate"]).toBe('Basic realm="api"');
      const member = await api("post", "/rastersources/", mike).send({ name: "x", organisation: NS_UUID });
      expect(member.status).toBe(403);
      expect(Object.keys(member.body)).toEqual(["detail"]);
      expect(await db.prisma.resource.count({ where: { name: "x" } })).toBe(0);
    });

    it("answers an unsupported method with 405 and Allow", async () => {
      const res = await api("put", "/rastersources/", erin).send({});
      expect(res.status).toBe(405);
      expect(res.body).toEqual({ detail: 'Method "PUT" not allowed.' });
      expect(res.headers.allow).toBe("GET, POST, HEAD, OPTIONS");
    });
  });

  describe("PATCH and PUT /rastersources/{uuid}/", () => {
    it("changes the given fields, renders a multi-day interval as Django does and bumps last_modified", async () => {
      const { uuid } = await seedSource("Evaporation");
      const before = (await api("get", `/rastersources/${uuid}/`, erin)).body;
      const res = await api("patch", `/rastersources/${uuid}/`, erin).send({ supplier_code: "evap", temporal: true, interval: "1 02:00:00", uuid: "ignored" });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ uuid, name: "Evaporation", supplier_code: "evap", temporal: true, interval: "1 02:00:00" });
      expect(Date.parse(res.body.last_modified)).toBeGreaterThan(Date.parse(before.last_modified));
      const stored = await db.prisma.rasterSource.findFirstOrThrow({ where: { resource: { uuid } } });
      expect(stored.interval_seconds).toBe(93_600);
    });

    it("refuses to move a source to another organisation", async () => {
      const { uuid } = await seedSource("Fixed");
      const res = await api("patch", `/rastersources/${uuid}/`, erin).send({ organisation: ddscUuid });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ organisation: ["The organisation of a raster source cannot be changed."] });
      const same = await api("patch", `/rastersources/${uuid}/`, erin).send({ organisation: { uuid: NS_UUID, name: "ignored" }, name: "Fixed 2" });
      expect(same.status).toBe(200);
      expect(same.body.name).toBe("Fixed 2");
    });

    it("PUT needs the required fields and then replaces them", async () => {
      const { uuid } = await seedSource("Put me");
      const missing = await api("put", `/rastersources/${uuid}/`, erin).send({ name: "Put" });
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({ organisation: ["This field is required."] });
      const res = await api("put", `/rastersources/${uuid}/`, erin).send({ name: "Put", organisation: NS_UUID, description: null, interval: null });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: "Put", description: "", interval: null });
    });

    it("answers 403 to a member who may view but not change, 404 to who may not view, 401 to anonymous", async () => {
      const { uuid } = await seedSource("Guarded");
      expect((await api("patch", `/rastersources/${uuid}/`, mike).send({ name: "no" })).status).toBe(403);
      const other = await seedSource("Elsewhere", "Private", null);
      expect((await api("patch", `/rastersources/${other.uuid}/`, erin).send({ name: "no" })).status).toBe(404);
      expect((await api("patch", `/rastersources/${uuid}/`, anonymous).send({ name: "no" })).status).toBe(401);
      expect((await db.prisma.resource.findUniqueOrThrow({ where: { uuid } })).name).toBe("Guarded");
    });
  });

  describe("DELETE /rastersources/{uuid}/", () => {
    it("refuses while a layer uses the source, then deletes with {force: true} and leaves the layer without source", async () => {
      const { uuid, rasterId } = await seedSource("In use");
      const layer = await db.prisma.rasterLayer.create({ data: { name: "Layer", source_id: rasterId } });
      const refused = await api("delete", `/rastersources/${uuid}/`, ada);
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toContain("used by 1 layer(s) and 0 label type(s)");
      expect(refused.body.detail).toContain('{"force": true}');
      expect((await api("get", `/rastersources/${uuid}/`, ada)).status).toBe(200);

      expect((await api("delete", `/rastersources/${uuid}/`, ada).send({ force: false })).status).toBe(409);
      const forced = await api("delete", `/rastersources/${uuid}/`, ada).send({ force: true });
      expect(forced.status).toBe(204);
      expect((await api("get", `/rastersources/${uuid}/`, ada)).status).toBe(404);
      expect(await db.prisma.rasterLayer.findUniqueOrThrow({ where: { id: layer.id } })).toMatchObject({ source_id: null });
      // As in Lizard, the broken layer stays readable and names the source it lost in source.deleted_sources.
      const broken = await api("get", `/rasters/${layer.uuid}/`, root);
      expect(broken.status).toBe(200);
      expect(broken.body).toMatchObject({ uuid: layer.uuid, raster_sources: [], source: { deleted_sources: [`${API}/rastersources/${uuid}/`] } });
      expect((await api("get", broken.body.source.deleted_sources[0], root)).status).toBe(404);
    });

    it("keeps layers and label types readable after a forced delete, by the layer's own access modifier", async () => {
      const { uuid, rasterId } = await seedSource("Forced");
      const open = await db.prisma.rasterLayer.create({ data: { name: "Open layer", source_id: rasterId, access_modifier: "Public" } });
      const closed = await db.prisma.rasterLayer.create({ data: { name: "NS layer", source_id: rasterId, access_modifier: "Private", organisation_id: nsId } });
      const labels = await db.prisma.labelType.create({ data: { name: "Forced labels", source_id: rasterId } });
      expect((await api("delete", `/rastersources/${uuid}/`, ada).send({ force: true })).status).toBe(204);
      const lost = { deleted_sources: [`${API}/rastersources/${uuid}/`] };
      expect((await api("get", `/rasters/${open.uuid}/`, anonymous)).body).toMatchObject({ name: "Open layer", source: lost });
      expect((await api("get", `/rasters/${closed.uuid}/`, mike)).body).toMatchObject({ name: "NS layer", source: lost });
      expect((await api("get", `/rasters/${closed.uuid}/`, anonymous)).status).toBe(404);
      const listed = await api("get", "/rasters/?name__icontains=layer", anonymous);
      expect(listed.body.results.map((l: { name: string }) => l.name)).toContain("Open layer");
      expect(listed.body.results.map((l: { name: string }) => l.name)).not.toContain("NS layer");
      expect((await api("get", `/labeltypes/${labels.uuid}/`, root)).body).toMatchObject({ raster_sources: [], source: lost });
    });

    it("refuses while a label type uses the source", async () => {
      const { uuid, rasterId } = await seedSource("Labelled");
      await db.prisma.labelType.create({ data: { name: "Labels", source_id: rasterId } });
      const res = await api("delete", `/rastersources/${uuid}/`, ada);
      expect(res.status).toBe(409);
      expect(res.body.detail).toContain("used by 0 layer(s) and 1 label type(s)");
      expect(await db.prisma.resource.count({ where: { uuid } })).toBe(1);
    });

    it("deletes an unused source without force", async () => {
      const { uuid, resourceId } = await seedSource("Unused");
      expect((await api("delete", `/rastersources/${uuid}/`, ada)).status).toBe(204);
      expect(await db.prisma.resource.count({ where: { id: resourceId } })).toBe(0);
      expect(await db.prisma.rasterSource.count({ where: { resource_id: resourceId } })).toBe(0);
    });

    it("answers 403 to a member or editor, 404 to who may not view, 401 to anonymous, and keeps the source", async () => {
      const { uuid } = await seedSource("Keep me");
      expect((await api("delete", `/rastersources/${uuid}/`, mike)).status).toBe(403);
      // Editors change sources; deleting takes an organisation admin or the owner.
      expect((await api("delete", `/rastersources/${uuid}/`, erin)).status).toBe(403);
      expect((await api("delete", `/rastersources/${uuid}/`, anonymous)).status).toBe(401);
      const other = await seedSource("Not yours", "Private", null);
      expect((await api("delete", `/rastersources/${other.uuid}/`, ada).send({ force: true })).status).toBe(404);
      expect(await db.prisma.resource.count({ where: { uuid: { in: [uuid, other.uuid] } } })).toBe(2);
    });
  });

  describe("GET /rastersources/{uuid}/uploads/", () => {
    let uuid: string;
    const uploadIds: Record<string, number> = {};

    beforeAll(async () => {
      const source = await seedSource("With uploads", "Public");
      uuid = source.uuid;
      // Created one minute apart in the order of STATES: "retry" is the newest.
      for (const [i, state] of STATES.entries()) {
        const at = new Date(Date.UTC(2025, 2, 30, 9, i));
        const row = await db.prisma.upload.create({
          data: { filename: `step-${i}.tif`, state, state_detail: state === "rejected" ? "Not a GeoTIFF" : "", resource_id: source.resourceId, created_at: at, updated_at: at },
        });
        uploadIds[state] = row.id;
      }
      const other = await seedSource("Other uploads", "Public");
      await db.prisma.upload.create({ data: { filename: "other.tif", state: "committed", resource_id: other.resourceId } });
    });

    it("lists the source's uploads newest first in Lizard's item shape", async () => {
      const res = await api("get", `/rastersources/${uuid}/uploads/`, anonymous);
      expect(res.status).toBe(200);
      expect(res.body.count).toBe(6);
      expect(res.body.next).toBeNull();
      expect(res.body.results.map((u: { id: number }) => u.id)).toEqual([...STATES].reverse().map((s) => uploadIds[s]));
      expect(res.body.results[1]).toEqual({
        id: uploadIds.rejected,
        filename: "step-4.tif",
        created_at: "2025-03-30T09:04:00Z",
        updated_at: "2025-03-30T09:04:00Z",
        state: "rejected",
        state_detail: "Not a GeoTIFF",
      });
    });

    it.each(STATES)("filters on state=%s", async (state) => {
      const res = await api("get", `/rastersources/${uuid}/uploads/?state=${state}`, anonymous);
      expect(res.body.results.map((u: { id: number; state: string }) => [u.id, u.state])).toEqual([[uploadIds[state], state]]);
    });

    it("pages with page and page_size", async () => {
      const res = await api("get", `/rastersources/${uuid}/uploads/?page_size=4&page=2`, anonymous);
      expect(res.body).toMatchObject({ count: 6, next: null, previous: `${API}/rastersources/${uuid}/uploads/?page_size=4` });
      expect(res.body.results.map((u: { id: number }) => u.id)).toEqual([uploadIds.received, uploadIds.requested]);
    });

    it("caps page_size at 100", async () => {
      const { uuid: busy, resourceId } = await seedSource("Busy", "Public");
      await db.prisma.upload.createMany({ data: Array.from({ length: 101 }, (_, i) => ({ filename: `f${i}.tif`, resource_id: resourceId })) });
      const res = await api("get", `/rastersources/${busy}/uploads/?page_size=500`, anonymous);
      expect(res.body.count).toBe(101);
      expect(res.body.results).toHaveLength(100);
      expect(res.body.next).toBe(`${API}/rastersources/${busy}/uploads/?page_size=500&page=2`);
    });

    it("rejects an unknown state, ignores an undeclared parameter, and hides the uploads of a source the caller may not view", async () => {
      const bad = await api("get", `/rastersources/${uuid}/uploads/?state=lost`, anonymous);
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ state: ["'lost' is not one of requested, received, processing, committed, rejected, retry"] });
      // An undeclared parameter is ignored, as django-filter and DRF do.
      expect((await api("get", `/rastersources/${uuid}/uploads/?ordering=filename&colour=red`, anonymous)).status).toBe(200);
      const hidden = await seedSource("Private uploads", "Private");
      expect((await api("get", `/rastersources/${hidden.uuid}/uploads/`, anonymous)).status).toBe(404);
      expect((await api("get", `/rastersources/${hidden.uuid}/uploads/`, mike)).status).toBe(200);
    });
  });
});
