import request from "supertest";
import type { Express } from "express";
import type { Database, Prisma } from "@assets/core";
import { rasterSourcePlugin } from "@assets/raster-source";
import { createTestApp, userWithKey } from "./helpers/app.js";

/**
 * The Lizard API v4 profile's reads: every example query of the reference
 * document (lizard-rastersources.txt) replayed on the seed below, plus the
 * other lookups, ordering, paging, the DRF envelope, the rendered fields,
 * permissions and the links a source renders. Expected results are written
 * out by hand from the seed.
 */

const HOST = "lizard.test";
const API = `http://${HOST}/cms/api/v4`;

const UUID = {
  ahn3: "10415ccb-ec31-4d43-bdb3-db597061527b",
  rain: "4a544b7a-772b-45fb-9aa4-a69447f34f52",
  layer1: "0866dbe6-69b1-413e-a709-e28e888eaed8",
  layer2: "5e4c4a3d-7c0c-41a8-af71-99b4813ccfb6",
  layer3: "91e0ffd5-ddf3-47f1-bbc3-227e69835710",
  labeltype: "b4d3d1d8-58be-4538-942b-a0b8303657a2",
  ns: "61f5a464-c350-44c1-9bc7-d4b42d7f58cb",
  maastricht: "d19b76d3-93b1-42c2-9ffe-b06af89b16dd",
} as const;

/** Names of the raster sources, as seeded (all but "Hidden draft" are listed without an access_modifier filter). */
const AHN3 = "Elevation AHN3";
const MST = "Elevation Maastricht";
const RAIN = "Rain radar";
const SOIL = "Soil moisture";
const HIDDEN = "Hidden draft";
const WIND = "Wind speed";

describe("Lizard API v4: /api/v4/rastersources/ reads", () => {
  let db: Database;
  let app: Express;
  let root: Record<string, string>;
  let alice: Record<string, string>;
  const ids: Record<string, number> = {};
  const uuids: Record<string, string> = {};

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ mount: "/cms", plugins: [rasterSourcePlugin()] }));
    const p = db.prisma;
    const ns = await p.organisation.create({ data: { name: "Nelen & Schuurmans Consultancy", uuid: UUID.ns } });
    const ddsc = await p.organisation.create({ data: { name: "DDSC" } });
    const mst = await p.organisation.create({ data: { name: "Maastricht", uuid: UUID.maastricht } });
    const fans = await p.organisation.create({ data: { name: "nelen fans club" } });
    ({ auth: root } = await userWithKey(db, "root", { superuser: true }));
    ({ auth: alice } = await userWithKey(db, "alice", { organisations: [{ id: ns.id, role: "editor" }, { id: ddsc.id, role: "member" }] }));
    const remo = await p.user.create({ data: { username: "remo.vantilburg" } });
    const scenario = await p.scenario.create({ data: { name: "bui09" } });

    const source = async (
      name: string,
      resource: Omit<Prisma.ResourceUncheckedCreateInput, "name" | "type">,
      raster: Prisma.RasterSourceCreateWithoutResourceInput,
    ) => {
      const row = await p.resource.create({ data: { ...resource, name, type: "raster_source", raster_source: { create: raster } }, include: { raster_source: true } });
      ids[name] = row.id;
      uuids[name] = row.uuid;
      return row.raster_source!.id;
    };
    const ahn3 = await source(
      AHN3,
      { uuid: UUID.ahn3, organisation_id: ns.id, owner_id: remo.id, access_modifier: "Public", created_at: new Date("2016-05-01T00:00:00Z"), updated_at: new Date("2017-06-01T00:00:00.123Z") },
      {
        supplier_code: "ahn3",
        first_value_timestamp: new Date("2016-06-21T06:05:00Z"),
        last_value_timestamp: new Date("2016-06-21T06:05:00Z"),
        projection: "EPSG:28992",
        origin_x: 172724.5,
        origin_y: 312709,
        upper_bound_x: 181453,
        upper_bound_y: 324743,
        pixelsize_x: 0.5,
        pixelsize_y: -0.5,
        west: 5.6386,
        east: 5.7633,
        north: 50.9122,
        south: 50.8037,
        size: 3000n,
        dtype: "f4",
        fill_value: "3.4028234663852886e+38",
        width: 17457,
        height: 24068,
        band_count: 1,
        cloud_optimized: true,
        overviews: [{ width: 8729, height: 12034 }],
      },
    );
    const maastricht = await source(
      MST,
      { organisation_id: mst.id, access_modifier: "Private", created_at: new Date("2017-01-01T00:00:00Z"), updated_at: new Date("2017-12-31T23:59:59Z") },
      { supplier_code: "dem-mst", size: 1000n, first_value_timestamp: new Date("2016-01-01T00:00:00Z"), projection: "EPSG:28992", scenario: { connect: { id: scenario.id } } },
    );
    const rain = await source(
      RAIN,
      { uuid: UUID.rain, organisation_id: ddsc.id, access_modifier: "Public", created_at: new Date("2017-06-01T00:00:00Z"), updated_at: new Date("2018-01-01T00:00:00Z") },
      {
        supplier_code: "radar",
        temporal: true,
        interval_seconds: 300,
        size: 2000n,
        first_value_timestamp: new Date("2016-06-21T06:05:00Z"),
        last_value_timestamp: new Date("2016-06-22T00:00:00Z"),
        projection: "EPSG:4326",
        dtype: "u1",
        fill_value: "0",
      },
    );
    await source(
      SOIL,
      { organisation_id: fans.id, access_modifier: "Common", created_at: new Date("2018-03-01T00:00:00Z"), updated_at: new Date("2019-01-01T00:00:00Z") },
      { size: 500n, scenario: { connect: { id: scenario.id } } },
    );
    await source(HIDDEN, { organisation_id: ns.id, access_modifier: "Hidden", created_at: new Date("2019-02-01T00:00:00Z") }, { supplier_code: "zz" });
    await source(
      WIND,
      { organisation_id: ddsc.id, access_modifier: "Private", created_at: new Date("2015-01-01T00:00:00Z"), updated_at: new Date("2016-01-01T00:00:00Z") },
      { supplier_code: "wind", size: 4000n, first_value_timestamp: new Date("2016-06-20T00:00:00Z") },
    );
    // Not a raster source: never listed here, whatever its name.
    await p.resource.create({ data: { name: "Elevation contours", type: "resource", organisation_id: ns.id, access_modifier: "Public" } });

    await p.rasterLayer.create({ data: { uuid: UUID.layer1, name: "AHN3 hillshade", source_id: ahn3, organisation_id: ns.id, access_modifier: "Public" } });
    await p.rasterLayer.create({ data: { uuid: UUID.layer2, name: "Rain radar 5 min", source_id: rain } });
    await p.rasterLayer.create({ data: { uuid: UUID.layer3, name: "Maastricht DEM", source_id: maastricht } });
    await p.labelType.create({ data: { uuid: UUID.labeltype, name: "Flood depth labels", source_id: maastricht } });
  });
  afterAll(async () => {
    await db.close();
  });

  const get = (path: string, auth: Record<string, string> = root) =>
    request(app).get(`/cms/api/v4${path.replace(/ /g, "%20")}`).set("Host", HOST).set(auth);
  /** Follows an absolute URL the API rendered. */
  const follow = (url: string, auth: Record<string, string> = root) => {
    expect(url.startsWith(`http://${HOST}/cms/`)).toBe(true);
    return request(app).get(url.slice(`http://${HOST}`.length)).set("Host", HOST).set(auth);
  };

  async function names(query: string, auth: Record<string, string> = root): Promise<string[]> {
    const res = await get(`/rastersources/?${query}`, auth);
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(res.body.results.length);
    return res.body.results.map((r: { name: string }) => r.name);
  }
  const sorted = (list: string[]) => [...list].sort();

  describe("the reference document's example queries", () => {
    it.each([
      ["name__icontains=Elevation", [AHN3, MST]],
      ["organisation__name=DDSC", [RAIN, WIND]],
      ["organisation__uuid=61f5a464c35044c19bc7d4b42d7f58cb", [AHN3]],
      ["organisation__name__startswith=Nelen", [AHN3]],
      ["organisation__name__icontains=Schuur", [AHN3]],
      [`uuid=${UUID.ahn3},${UUID.rain}`, [AHN3, RAIN]],
      ["first_value_timestamp=2016-06-21T06:05:00Z", [AHN3, RAIN]],
      // Soil moisture has no data: 1970-01-01T00:00:00Z, as Lizard shows and filters it.
      ["first_value_timestamp__lt=2016-06-21T06:05:00Z", [MST, WIND, SOIL]],
      [`layers__uuid=${UUID.layer1}`, [AHN3]],
      ["scenario__isnull=true", [AHN3, RAIN, WIND]],
      ["access_modifier=Private", [MST, WIND]],
      ["access_modifier=100", [SOIL]],
      ["created__gte=2017-01-01T00:00:00Z", [MST, RAIN, SOIL]],
      ["last_modified__lt=2018-01-01T00:00:00Z", [AHN3, MST, WIND]],
    ])("?%s", async (query, expected) => {
      expect(sorted(await names(query))).toEqual(sorted(expected));
    });

    it("?ordering=-name", async () => {
      expect(await names("ordering=-name")).toEqual([WIND, SOIL, RAIN, MST, AHN3]);
    });
  });

  describe("the other lookups", () => {
    it.each([
      ["name=Rain radar", [RAIN]],
      ["name=rain radar", []],
      ["name__exact=Rain radar", [RAIN]],
      ["name__iexact=RAIN RADAR", [RAIN]],
      ["name__contains=Elevation", [AHN3, MST]],
      ["name__contains=elevation", []],
      ["name__startswith=Elev", [AHN3, MST]],
      ["name__startswith=elev", []],
      ["name__istartswith=elev", [AHN3, MST]],
      ["name__endswith=speed", [WIND]],
      ["name__endswith=SPEED", []],
      ["name__iendswith=SPEED", [WIND]],
      ["name__in=Rain radar,Wind speed,Nothing", [RAIN, WIND]],
      [`uuid=${UUID.ahn3.toUpperCase()}`, [AHN3]],
      [`uuid__in=${UUID.rain.replace(/-/g, "")}`, [RAIN]],
      [`organisation=${UUID.maastricht}`, [MST]],
      ["organisation__name__istartswith=nelen", [AHN3, SOIL]],
      ["organisation__name__iexact=ddsc", [RAIN, WIND]],
      ["first_value_timestamp__gte=2016-06-21T06:05:00Z", [AHN3, RAIN]],
      ["first_value_timestamp__lte=2016-06-20T00:00:00Z", [MST, WIND, SOIL]],
      ["first_value_timestamp=1970-01-01T00:00:00Z", [SOIL]],
      ["last_value_timestamp=1970-01-01T00:00:00Z", [MST, SOIL, WIND]],
      ["last_value_timestamp__gt=1970-01-01T00:00:00Z", [AHN3, RAIN]],
      ["last_value_timestamp__gt=2016-06-21T06:05:00Z", [RAIN]],
      ["created=2017-01-01T00:00:00Z", [MST]],
      ["created__lt=2016-05-01T00:00:00Z", [WIND]],
      ["last_modified__gte=2018-01-01T00:00:00Z", [RAIN, SOIL]],
      ["scenario__isnull=false", [MST, SOIL]],
      [`layers__uuid__in=${UUID.layer1},${UUID.layer2}`, [AHN3, RAIN]],
      [`labeltypes__uuid=${UUID.labeltype}`, [MST]],
      ["access_modifier=Hidden", [HIDDEN]],
      ["access_modifier=0", [AHN3, RAIN]],
      ["access_modifier__in=Common,Hidden", [SOIL, HIDDEN]],
      ["name__icontains=d&organisation__name=DDSC&created__gte=2015-06-01T00:00:00Z", [RAIN]],
      ["name=", [AHN3, MST, RAIN, SOIL, WIND]],
      ["format=json&name__icontains=wind", [WIND]],
    ])("?%s", async (query, expected) => {
      expect(sorted(await names(query))).toEqual(sorted(expected));
    });
  });

  describe("ordering", () => {
    it.each([
      ["", [AHN3, MST, RAIN, SOIL, WIND]],
      ["ordering=name", [AHN3, MST, RAIN, SOIL, WIND]],
      ["ordering=size", [SOIL, MST, RAIN, AHN3, WIND]],
      ["ordering=-size", [WIND, AHN3, RAIN, MST, SOIL]],
      ["ordering=supplier_code", [AHN3, MST, RAIN, WIND, SOIL]],
      ["ordering=-supplier_code", [SOIL, WIND, RAIN, MST, AHN3]],
      ["ordering=last_modified", [WIND, AHN3, MST, RAIN, SOIL]],
      ["ordering=-last_modified", [SOIL, RAIN, MST, AHN3, WIND]],
      ["ordering=-name&name__icontains=elevation", [MST, AHN3]],
    ])("?%s", async (query, expected) => {
      expect(await names(query)).toEqual(expected);
    });
  });

  describe("paging and the DRF envelope", () => {
    it("splits into pages of page_size with absolute next and previous links", async () => {
      const first = await get("/rastersources/?ordering=name&page_size=2");
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        count: 5,
        next: `${API}/rastersources/?ordering=name&page_size=2&page=2`,
        previous: null,
      });
      expect(Object.keys(first.body)).toEqual(["count", "next", "previous", "results"]);
      expect(first.body.results.map((r: { name: string }) => r.name)).toEqual([AHN3, MST]);

      const second = await follow(first.body.next);
      expect(second.body).toMatchObject({ count: 5, next: `${API}/rastersources/?ordering=name&page_size=2&page=3`, previous: `${API}/rastersources/?ordering=name&page_size=2` });
      expect(second.body.results.map((r: { name: string }) => r.name)).toEqual([RAIN, SOIL]);

      const third = await follow(second.body.next);
      expect(third.body).toMatchObject({ count: 5, next: null, previous: `${API}/rastersources/?ordering=name&page_size=2&page=2` });
      expect(third.body.results.map((r: { name: string }) => r.name)).toEqual([WIND]);
    });

    it("answers a page past the last with DRF's 404 'Invalid page.', but serves an empty first page", async () => {
      const past = await get("/rastersources/?page_size=2&page=4");
      expect(past.status).toBe(404);
      expect(past.body).toEqual({ detail: "Invalid page." });
      const empty = await get("/rastersources/?name=nothing");
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual({ count: 0, next: null, previous: null, results: [] });
    });

    // Django REST framework's PageNumberPagination: Paginator.page() failing is NotFound("Invalid page.").
    it.each(["page=0", "page=abc", "page=-1", "page=2.5"])("answers ?%s with 404 {detail: 'Invalid page.'}", async (query) => {
      const res = await get(`/rastersources/?${query}`);
      expect([res.status, res.body]).toEqual([404, { detail: "Invalid page." }]);
    });

    it("serves page=last (DRF's last_page_strings) as the last page, with its links", async () => {
      const last = await get("/rastersources/?format=json&ordering=name&page_size=2&page=last");
      expect(last.status).toBe(200);
      expect(last.body).toMatchObject({ count: 5, next: null, previous: `${API}/rastersources/?format=json&ordering=name&page_size=2&page=2` });
      expect(last.body.results.map((r: { name: string }) => r.name)).toEqual([WIND]);
      const onlyPage = await get("/rastersources/?page=last");
      expect(onlyPage.body).toMatchObject({ count: 5, next: null, previous: null });
      expect(onlyPage.body.results).toHaveLength(5);
      expect((await get("/rastersources/?name=nothing&page=last")).body).toEqual({ count: 0, next: null, previous: null, results: [] });
    });

    it("links pages as the reference's ?format=api&page=205 does: previous and next keep format", async () => {
      const res = await get("/rastersources/?format=json&page_size=1&page=3");
      expect(res.body).toMatchObject({
        next: `${API}/rastersources/?format=json&page_size=1&page=4`,
        previous: `${API}/rastersources/?format=json&page_size=1&page=2`,
      });
    });

    it("falls back to the default page size for a page_size that is not a positive integer", async () => {
      for (const size of ["0", "ten", "-3"]) expect((await get(`/rastersources/?page_size=${size}`)).body.results).toHaveLength(5);
    });

    it("uses 10 per page by default", async () => {
      const res = await get("/rastersources/");
      expect(res.body).toMatchObject({ count: 5, next: null, previous: null });
    });
  });

  describe("bad input is a DRF-style 400 keyed by the parameter", () => {
    it.each([
      ["created__gte=last week", "created__gte", "'last week' is not an ISO 8601 date"],
      ["uuid=12345", "uuid", "'12345' is not a UUID"],
      ["access_modifier=Secret", "access_modifier", "'Secret' is not one of Public, Common, Private, Hidden"],
      ["scenario__isnull=perhaps", "scenario__isnull", "'perhaps' is not a boolean"],
    ])("?%s", async (query, parameter, message) => {
      const res = await get(`/rastersources/?${query}`);
      expect(res.status).toBe(400);
      expect(Object.keys(res.body)).toEqual([parameter]);
      expect(res.body[parameter]).toHaveLength(1);
      expect(res.body[parameter][0]).toContain(message);
    });

    // django-filter only reads the filters a FilterSet declares; DRF's OrderingFilter drops unknown terms.
    it.each(["colour=red", "name__regex=^E", "created__icontains=2017", "scenario=1", "ordering=description", "ordering=-description,-name"])(
      "ignores ?%s, which the endpoint does not declare",
      async (query) => {
        const expected = query === "ordering=-description,-name" ? [WIND, SOIL, RAIN, MST, AHN3] : [AHN3, MST, RAIN, SOIL, WIND];
        expect(await names(query)).toEqual(expected);
      },
    );

    it("answers an unsupported ?format= and unknown paths with DRF's 404", async () => {
      expect((await get("/rastersources/?format=xml")).status).toBe(404);
      const missing = await get("/nothing-here/");
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ detail: "Not found." });
      expect((await get("/rastersources/not-a-uuid/")).status).toBe(404);
    });
  });

  describe("rendering", () => {
    it("renders every field of Lizard's sample with the same names and JSON types, plus the extras", async () => {
      const res = await get(`/rastersources/${UUID.ahn3}/`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: ids[AHN3],
        uuid: UUID.ahn3,
        url: `${API}/rastersources/${UUID.ahn3}/`,
        name: AHN3,
        description: "",
        organisation: { url: `${API}/organisations/${UUID.ns}/`, uuid: UUID.ns, name: "Nelen & Schuurmans Consultancy" },
        access_modifier: "Public",
        supplier: "remo.vantilburg",
        supplier_code: "ahn3",
        temporal: false,
        interval: null,
        first_value_timestamp: "2016-06-21T06:05:00Z",
        last_value_timestamp: "2016-06-21T06:05:00Z",
        spatial_bounds: { west: 5.6386, east: 5.7633, north: 50.9122, south: 50.8037 },
        projection: "EPSG:28992",
        origin_x: 172724.5,
        origin_y: 312709,
        upper_bound_x: 181453,
        upper_bound_y: 324743,
        pixelsize_x: 0.5,
        pixelsize_y: -0.5,
        created: "2016-05-01T00:00:00Z",
        last_modified: "2017-06-01T00:00:00.123000Z",
        writable: true,
        layers: [`${API}/rasters/${UUID.layer1}/`],
        labeltypes: [],
        size: 3000,
        dtype: "f4",
        fill_value: "3.4028234663852886e+38",
        width: 17457,
        height: 24068,
        band_count: 1,
        cloud_optimized: true,
        overviews: [{ width: 8729, height: 12034 }],
      });
      // The first result of the reference document's sample page, key for key.
      const sampleKeys = [
        "id", "uuid", "url", "name", "description", "organisation", "access_modifier", "supplier", "supplier_code", "temporal", "interval",
        "first_value_timestamp", "last_value_timestamp", "spatial_bounds", "projection", "origin_x", "origin_y", "upper_bound_x", "upper_bound_y",
        "pixelsize_x", "pixelsize_y", "created", "last_modified", "writable", "layers", "labeltypes", "size", "dtype", "fill_value",
      ];
      expect(Object.keys(res.body).slice(0, sampleKeys.length)).toEqual(sampleKeys);
    });

    it("renders a temporal source's interval as Django does, missing values as null and missing timestamps as Lizard's epoch", async () => {
      const rain = (await get(`/rastersources/${UUID.rain}/`)).body;
      expect(rain).toMatchObject({ temporal: true, interval: "00:05:00", dtype: "u1", fill_value: "0", size: 2000, supplier: null, spatial_bounds: null, last_value_timestamp: "2016-06-22T00:00:00Z" });
      const soil = (await get(`/rastersources/${uuids[SOIL]}/`)).body;
      expect(soil).toMatchObject({ supplier_code: null, projection: null, dtype: null, fill_value: null, overviews: [] });
      // The reference's sources without data ("1811_maastricht_pet_2023_ahn4"): both timestamps 1970-01-01T00:00:00Z.
      expect(soil).toMatchObject({ first_value_timestamp: "1970-01-01T00:00:00Z", last_value_timestamp: "1970-01-01T00:00:00Z" });
    });

    it("accepts the uuid in the path in any case and without dashes", async () => {
      const res = await get(`/rastersources/${UUID.ahn3.toUpperCase().replace(/-/g, "")}/`);
      expect(res.status).toBe(200);
      expect(res.body.uuid).toBe(UUID.ahn3);
    });
  });

  describe("permissions are part of the query", () => {
    const anonymous = {};

    it("lists only what the caller may view, with writable from their change right", async () => {
      const res = await get("/rastersources/?ordering=name", alice);
      const rows = res.body.results.map((r: { name: string; writable: boolean }) => [r.name, r.writable]);
      // Editor in Nelen & Schuurmans, member of DDSC; Maastricht's private source and the hidden draft are out of sight.
      expect(rows).toEqual([[AHN3, true], [RAIN, false], [SOIL, false], [WIND, false]]);
      expect(res.body.count).toBe(4);
      expect(await names("", anonymous)).toEqual([AHN3, RAIN]);
      expect(await names("access_modifier=Hidden", alice)).toEqual([]);
    });

    it("answers a source the caller may not read with 404", async () => {
      const res = await get(`/rastersources/${uuids[MST]}/`, alice);
      expect(res.status).toBe(404);
      expect(Object.keys(res.body)).toEqual(["detail"]);
      expect((await get(`/rastersources/${uuids[WIND]}/`, anonymous)).status).toBe(404);
      expect((await get(`/rastersources/${uuids[WIND]}/`, alice)).status).toBe(200);
    });

    it("rejects a bad API key with 401", async () => {
      expect((await get("/rastersources/", { Authorization: "Bearer nope" })).status).toBe(401);
    });
  });

  describe("links resolve", () => {
    it("follows a source's layer, label type and organisation links", async () => {
      const ahn3 = (await get(`/rastersources/${UUID.ahn3}/`)).body;
      const layer = await follow(ahn3.layers[0]);
      expect(layer.status).toBe(200);
      expect(layer.body).toMatchObject({
        uuid: UUID.layer1,
        name: "AHN3 hillshade",
        access_modifier: "Public",
        organisation: { uuid: UUID.ns, name: "Nelen & Schuurmans Consultancy" },
        raster_sources: [`${API}/rastersources/${UUID.ahn3}/`],
      });
      const organisation = await follow(ahn3.organisation.url, {});
      expect(organisation.body).toEqual({ url: `${API}/organisations/${UUID.ns}/`, uuid: UUID.ns, name: "Nelen & Schuurmans Consultancy" });

      const maastricht = (await get(`/rastersources/${uuids[MST]}/`)).body;
      expect(maastricht.labeltypes).toEqual([`${API}/labeltypes/${UUID.labeltype}/`]);
      const labeltype = await follow(maastricht.labeltypes[0]);
      expect(labeltype.body).toMatchObject({ uuid: UUID.labeltype, name: "Flood depth labels", raster_sources: [`${API}/rastersources/${uuids[MST]}/`] });
    });

    it("hides layers, label types and organisations behind the permissions of what they belong to", async () => {
      expect((await get(`/rasters/${UUID.layer3}/`, alice)).status).toBe(404);
      expect((await get(`/labeltypes/${UUID.labeltype}/`, alice)).status).toBe(404);
      // Maastricht owns only a private source: anonymous callers cannot see it; signed-in users can.
      expect((await get(`/organisations/${UUID.maastricht}/`, {})).status).toBe(404);
      expect((await get(`/organisations/${UUID.maastricht}/`, alice)).status).toBe(200);
    });

    it("lists raster layers with Django lookups and the DRF envelope", async () => {
      const all = await get("/rasters/?ordering=name");
      expect(all.body.count).toBe(3);
      expect(all.body.results.map((l: { name: string }) => l.name)).toEqual(["AHN3 hillshade", "Maastricht DEM", "Rain radar 5 min"]);
      const anonymous = await get("/rasters/", {});
      expect(anonymous.body.results.map((l: { uuid: string }) => l.uuid)).toEqual([UUID.layer1, UUID.layer2]);
      const filtered = await get(`/rasters/?raster_sources__uuid=${UUID.rain}`);
      expect(filtered.body.results.map((l: { uuid: string }) => l.uuid)).toEqual([UUID.layer2]);
      expect((await get("/rasters/?name__icontains=dem")).body.results.map((l: { name: string }) => l.name)).toEqual(["Maastricht DEM"]);
    });
  });

  describe("the same sources through the core JSON:API", () => {
    async function jsonApiNames(query: string): Promise<string[]> {
      const res = await request(app).get(`/cms/resources?${query}`).set(root);
      expect(res.status).toBe(200);
      return res.body.data.map((d: { attributes: { name: string } }) => d.attributes.name);
    }

    it.each([
      ["filter[fields][projection][eq]=EPSG:28992", [AHN3, MST]],
      [`filter[fields][layers.uuid][eq]=${UUID.layer1}`, [AHN3]],
      ["filter[fields][size][gte]=2000", [AHN3, RAIN, WIND]],
      ["filter[fields][scenario.id][exists]=true", [MST, SOIL]],
      ["filter[fields][supplier_code][starts_with]=D", [MST]],
    ])("%s", async (query, expected) => {
      expect(sorted(await jsonApiNames(query))).toEqual(sorted(expected));
    });

    it("orders by a raster field and renders the raster attributes", async () => {
      expect(await jsonApiNames("filter[fields][type][eq]=raster_source&order_by=size_DESC")).toEqual([WIND, AHN3, RAIN, MST, SOIL]);
      const res = await request(app).get(`/cms/resources/${ids[RAIN]}`).set(root);
      expect(res.body.data.type).toBe("raster_source");
      expect(res.body.data.attributes).toMatchObject({ name: RAIN, temporal: true, interval: "00:05:00", size: 2000, projection: "EPSG:4326", first_value_timestamp: "2016-06-21T06:05:00Z" });
    });

    it("orders and filters the epoch of a source without data as the value it renders", async () => {
      const rasters = "filter[fields][type][eq]=raster_source";
      expect(await jsonApiNames(`${rasters}&order_by=first_value_timestamp_ASC`)).toEqual([SOIL, MST, WIND, AHN3, RAIN]);
      expect(await jsonApiNames(`${rasters}&filter[fields][first_value_timestamp][eq]=1970-01-01T00:00:00Z`)).toEqual([SOIL]);
      const soil = await request(app).get(`/cms/resources/${ids[SOIL]}`).set(root);
      expect(soil.body.data.attributes).toMatchObject({ first_value_timestamp: "1970-01-01T00:00:00Z", last_value_timestamp: "1970-01-01T00:00:00Z" });
    });
  });
});
