import request from "supertest";
import type { Express } from "express";
import type { Database } from "@assets/core";
import { createTestApp, userWithKey } from "./helpers/app.js";

/**
 * The JSON:API list-query engine against a real database. Expected result
 * sets are written out by hand from the seed below.
 */
describe("JSON:API list queries", () => {
  let db: Database;
  let app: Express;
  let auth: Record<string, string>;
  const ids: Record<string, number> = {};
  const uuids: Record<string, string> = {};

  beforeAll(async () => {
    ({ db, app } = await createTestApp());
    ({ auth } = await userWithKey(db, "root", { superuser: true }));
    const ns = await db.prisma.organisation.create({ data: { name: "Nelen & Schuurmans" } });
    const deltares = await db.prisma.organisation.create({ data: { name: "Deltares" } });
    const seed = [
      { name: "Alpha DEM", description: "elevation model", access_modifier: "Public", organisation_id: ns.id, tags: ["dem", "ahn"], created_at: new Date("2024-01-01T00:00:00Z") },
      { name: "beta rainfall", description: "radar", access_modifier: "Common", organisation_id: deltares.id, tags: ["rain"], created_at: new Date("2024-02-01T00:00:00Z") },
      { name: "Gamma landuse", description: "", access_modifier: "Private", organisation_id: ns.id, tags: [], created_at: new Date("2024-03-01T00:00:00Z") },
      { name: "delta groundwater", description: "wells and DEM", access_modifier: "Private", organisation_id: null, tags: ["water", "dem"], created_at: new Date("2024-03-01T00:00:00Z") },
      { name: "Epsilon draft", description: "hidden", access_modifier: "Hidden", organisation_id: deltares.id, tags: [], created_at: new Date("2024-05-01T00:00:00Z") },
    ] as const;
    for (const r of seed) {
      const row = await db.prisma.resource.create({ data: { ...r, tags: [...r.tags], type: "resource" } });
      ids[r.name] = row.id;
      uuids[r.name] = row.uuid;
    }
    const uploads = [
      { filename: "small.tif", size: 10n, state: "committed", expires_at: null, created_at: new Date("2024-01-01T00:00:00Z") },
      { filename: "huge.tif", size: 5_000_000_000n, state: "processing", expires_at: new Date("2030-01-01T00:00:00Z"), created_at: new Date("2024-01-02T00:00:00Z") },
      { filename: "pending.png", size: null, state: "requested", expires_at: new Date("2024-01-04T00:00:00Z"), created_at: new Date("2024-01-03T00:00:00Z") },
    ] as const;
    for (const u of uploads) await db.prisma.upload.create({ data: { ...u, resource_id: ids["Alpha DEM"] } });
  });
  afterAll(async () => {
    await db.close();
  });

  async function names(query: string): Promise<string[]> {
    const res = await request(app).get(`/resources?${query}`).set(auth);
    expect(res.status).toBe(200);
    return res.body.data.map((d: { attributes: { name: string } }) => d.attributes.name);
  }
  async function filenames(query: string): Promise<string[]> {
    const res = await request(app).get(`/uploads?${query}`).set(auth);
    expect(res.status).toBe(200);
    return res.body.data.map((d: { attributes: { filename: string } }) => d.attributes.filename);
  }
  const sorted = (list: string[]) => [...list].sort();

  describe("string fields", () => {
    it.each([
      ["filter[fields][name][eq]=Alpha DEM", ["Alpha DEM"]],
      ["filter[fields][name][neq]=Alpha DEM", ["beta rainfall", "Gamma landuse", "delta groundwater"]],
      ["filter[fields][name][in]=Alpha DEM,Gamma landuse", ["Alpha DEM", "Gamma landuse"]],
      ["filter[fields][name][not_in]=Alpha DEM,Gamma landuse", ["beta rainfall", "delta groundwater"]],
      ["filter[fields][name][contains]=ALPHA", ["Alpha DEM"]],
      ["filter[fields][name][starts_with]=gamma", ["Gamma landuse"]],
      ["filter[fields][name][ends_with]=WATER", ["delta groundwater"]],
      ["filter[fields][name][matches][pattern]=DEM&filter[fields][name][matches][case_sensitive]=true", ["Alpha DEM"]],
      ["filter[fields][name][matches][pattern]=dem&filter[fields][name][matches][case_sensitive]=true", []],
      ["filter[fields][name][matches][pattern]=dem&filter[fields][name][matches][case_sensitive]=false", ["Alpha DEM"]],
      ["filter[fields][description][exists]=true", ["Alpha DEM", "beta rainfall", "delta groundwater"]],
      ["filter[fields][description][exists]=false", ["Gamma landuse"]],
      ["filter[fields][name][gt]=Gamma", ["Gamma landuse", "beta rainfall", "delta groundwater"]],
      ["filter[fields][name][lte]=Alpha DEM", ["Alpha DEM"]],
    ])("%s", async (query, expected) => {
      expect(sorted(await names(query))).toEqual(sorted(expected));
    });
  });

  describe("integer, datetime, enum, uuid and array fields", () => {
    it("integer id: eq, neq, in, not_in, gt, gte, lt, lte, exists", async () => {
      const a = ids["Alpha DEM"]!;
      const c = ids["Gamma landuse"]!;
      expect(await names(`filter[fields][id][eq]=${a}`)).toEqual(["Alpha DEM"]);
      expect(sorted(await names(`filter[fields][id][neq]=${a}`))).toEqual(sorted(["beta rainfall", "Gamma landuse", "delta groundwater"]));
      expect(sorted(await names(`filter[fields][id][in]=${a},${c}`))).toEqual(["Alpha DEM", "Gamma landuse"]);
      expect(sorted(await names(`filter[fields][id][not_in]=${a},${c}`))).toEqual(["beta rainfall", "delta groundwater"]);
      expect(sorted(await names(`filter[fields][id][gt]=${c}`))).toEqual(["delta groundwater"]);
      expect(sorted(await names(`filter[fields][id][gte]=${c}`))).toEqual(["Gamma landuse", "delta groundwater"]);
      expect(await names(`filter[fields][id][lt]=${ids["beta rainfall"]}`)).toEqual(["Alpha DEM"]);
      expect(sorted(await names(`filter[fields][id][lte]=${ids["beta rainfall"]}`))).toEqual(["Alpha DEM", "beta rainfall"]);
      expect((await names("filter[fields][id][exists]=true")).length).toBe(4);
    });

    it("filter[ids] takes a comma list", async () => {
      expect(sorted(await names(`filter[ids]=${ids["Alpha DEM"]},${ids["beta rainfall"]}`))).toEqual(["Alpha DEM", "beta rainfall"]);
    });

    it("datetime: ISO 8601 dates and date-times, with or without offset", async () => {
      expect(sorted(await names("filter[fields][created_at][gte]=2024-03-01"))).toEqual(["Gamma landuse", "delta groundwater"]);
      expect(await names("filter[fields][created_at][lt]=2024-02-01T00:30:00%2B01:00")).toEqual(["Alpha DEM"]);
      expect(sorted(await names("filter[fields][_created_at][eq]=2024-03-01T00:00:00Z"))).toEqual(["Gamma landuse", "delta groundwater"]);
      expect(sorted(await names("filter[fields][created_at][in]=2024-01-01,2024-02-01"))).toEqual(["Alpha DEM", "beta rainfall"]);
      expect(sorted(await names("filter[fields][created_at][neq]=2024-03-01T00:00:00Z"))).toEqual(["Alpha DEM", "beta rainfall"]);
    });

    it("enum: by name, by Lizard number, and asking for Hidden explicitly", async () => {
      expect(await names("filter[fields][access_modifier][eq]=Common")).toEqual(["beta rainfall"]);
      expect(await names("filter[fields][access_modifier][eq]=0")).toEqual(["Alpha DEM"]);
      expect(await names("filter[fields][access_modifier][eq]=Hidden")).toEqual(["Epsilon draft"]);
      expect(sorted(await names("filter[fields][access_modifier][in]=Public,Common"))).toEqual(["Alpha DEM", "beta rainfall"]);
      expect(sorted(await names("filter[fields][access_modifier][not_in]=private,hidden"))).toEqual(["Alpha DEM", "beta rainfall"]);
      expect(sorted(await names("filter[fields][access_modifier][neq]=Private"))).toEqual(sorted(["Alpha DEM", "beta rainfall", "Epsilon draft"]));
    });

    it("uuid: with or without dashes, any case", async () => {
      const u = uuids["Gamma landuse"]!;
      expect(await names(`filter[fields][uuid][eq]=${u.toUpperCase()}`)).toEqual(["Gamma landuse"]);
      expect(await names(`filter[fields][uuid][in]=${u.replace(/-/g, "")}`)).toEqual(["Gamma landuse"]);
      expect((await names(`filter[fields][uuid][neq]=${u}`)).length).toBe(3);
    });

    it("string arrays: contains, in (any), all_in, not_in, exists, eq", async () => {
      expect(sorted(await names("filter[fields][tags][contains]=dem"))).toEqual(["Alpha DEM", "delta groundwater"]);
      expect(sorted(await names("filter[fields][tags][in]=rain,ahn"))).toEqual(["Alpha DEM", "beta rainfall"]);
      expect(await names("filter[fields][tags][all_in]=dem,ahn")).toEqual(["Alpha DEM"]);
      expect(sorted(await names("filter[fields][tags][not_in]=dem"))).toEqual(["Gamma landuse", "beta rainfall"]);
      expect(await names("filter[fields][tags][exists]=false")).toEqual(["Gamma landuse"]);
      expect(await names("filter[fields][tags][eq]=rain")).toEqual(["beta rainfall"]);
    });

    it("related fields: organisation.name, organisation.id and a null relation", async () => {
      expect(sorted(await names("filter[fields][organisation.name][starts_with]=Nelen"))).toEqual(["Alpha DEM", "Gamma landuse"]);
      expect(await names("filter[fields][organisation.id][exists]=false")).toEqual(["delta groundwater"]);
      expect(sorted(await names("filter[fields][organisation.name][neq]=Deltares"))).toEqual(["Alpha DEM", "Gamma landuse"]);
    });
  });

  describe("BigInt and nullable fields (uploads)", () => {
    it("compares sizes beyond 32 bits and handles NULL sizes", async () => {
      expect(await filenames("filter[fields][size][gt]=4294967296")).toEqual(["huge.tif"]);
      expect(await filenames("filter[fields][size][lte]=10")).toEqual(["small.tif"]);
      expect(await filenames("filter[fields][size][exists]=false")).toEqual(["pending.png"]);
      expect(sorted(await filenames("filter[fields][size][neq]=10"))).toEqual(["huge.tif", "pending.png"]);
      expect(await filenames("filter[fields][size][in]=5000000000")).toEqual(["huge.tif"]);
      expect(sorted(await filenames("filter[fields][size][not_in]=5000000000"))).toEqual(["pending.png", "small.tif"]);
      expect(sorted(await filenames("filter[fields][size][gte]=10&filter[fields][size][lt]=5000000000"))).toEqual(["small.tif"]);
    });

    it("filters on state and nullable datetimes; lists newest first by default", async () => {
      expect(await filenames("filter[fields][state][eq]=processing")).toEqual(["huge.tif"]);
      expect(await filenames("filter[fields][expires_at][exists]=true")).toEqual(["pending.png", "huge.tif"]);
      expect(await filenames("")).toEqual(["pending.png", "huge.tif", "small.tif"]);
      expect(await filenames("filter[query]=PENDING")).toEqual(["pending.png"]);
    });
  });

  describe("full-text filter[query]", () => {
    it("matches name and description case-insensitively", async () => {
      expect(sorted(await names("filter[query]=dem"))).toEqual(["Alpha DEM", "delta groundwater"]);
      expect(await names("filter[query]=RADAR")).toEqual(["beta rainfall"]);
    });

    it("needs every term, in any field and any order; a quoted phrase is one term", async () => {
      expect(await names("filter[query]=model alpha")).toEqual(["Alpha DEM"]);
      expect(sorted(await names("filter[query]=dem, elevation"))).toEqual(["Alpha DEM"]);
      expect(await names("filter[query]=radar alpha")).toEqual([]);
      expect(await names(`filter[query]=${encodeURIComponent('"model alpha"')}`)).toEqual([]);
      expect(await names(`filter[query]=${encodeURIComponent('"elevation model" alpha')}`)).toEqual(["Alpha DEM"]);
    });
  });

  describe("ordering and paging", () => {
    it("orders by two keys with a stable id tie-breaker", async () => {
      expect(await names("order_by=_created_at_DESC,name_ASC")).toEqual(["Gamma landuse", "delta groundwater", "beta rainfall", "Alpha DEM"]);
      expect(await names("order_by=created_at_DESC,name_DESC")).toEqual(["delta groundwater", "Gamma landuse", "beta rainfall", "Alpha DEM"]);
      expect(await names("order_by=organisation.name_ASC,name_ASC")).toEqual(["beta rainfall", "Alpha DEM", "Gamma landuse", "delta groundwater"]);
    });

    it("pages with offset and limit, links and total_count", async () => {
      const res = await request(app).get("/resources?order_by=name_ASC&page[limit]=2&page[offset]=1").set(auth);
      expect(res.body.meta.total_count).toBe(4);
      expect(res.body.data.map((d: { attributes: { name: string } }) => d.attributes.name)).toEqual(["Gamma landuse", "beta rainfall"]);
      expect(res.body.links.next).toContain("page[offset]=3");
      expect(res.body.links.prev).toContain("page[offset]=0");
      const last = await request(app).get("/resources?order_by=name_ASC&page[limit]=2&page[offset]=3").set(auth);
      expect(last.body.links.next).toBeNull();
    });

    it("an offset past the end gives empty data with the right total_count", async () => {
      const res = await request(app).get("/resources?page[offset]=100").set(auth);
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual([]);
      expect(res.body.meta.total_count).toBe(4);
    });

    it("defaults to 30 per page and accepts the maximum of 500", async () => {
      const res = await request(app).get("/resources?page[limit]=500").set(auth);
      expect(res.status).toBe(200);
      expect(res.body.links.self).toContain("page[limit]=500");
      const dflt = await request(app).get("/resources").set(auth);
      expect(dflt.body.links.self).toContain("page[limit]=30");
    });
  });

  describe("bad parameters are 400s naming the parameter", () => {
    it.each([
      ["filter[fields][colour][eq]=red", "filter[fields][colour][eq]", /Unknown filter field 'colour'/],
      ["filter[fields][name][gtx]=a", "filter[fields][name][gtx]", /Unknown operator 'gtx'/],
      ["filter[fields][id][contains]=1", "filter[fields][id][contains]", /not allowed on integer/],
      ["filter[fields][tags][gt]=a", "filter[fields][tags][gt]", /not allowed on string\[\]/],
      ["filter[fields][id][eq]=abc", "filter[fields][id][eq]", /not an integer/],
      ["filter[fields][created_at][gt]=yesterday", "filter[fields][created_at][gt]", /ISO 8601/],
      ["filter[fields][access_modifier][eq]=Secret", "filter[fields][access_modifier][eq]", /not one of/],
      ["filter[fields][uuid][eq]=xyz", "filter[fields][uuid][eq]", /not a UUID/],
      ["filter[fields][name][exists]=maybe", "filter[fields][name][exists]", /boolean/],
      ["filter[fields][name][matches][pattern]=(a&filter[fields][name][matches][regexp]=true", "filter[fields][name][matches]", /Invalid regular expression/],
      ["filter[fields][name][matches][pattern]=a&filter[fields][name][matches][casesensitive]=true", "filter[fields][name][matches][casesensitive]", /Unknown matches option/],
      ["filter[ids]=1,x", "filter[ids]", /not an integer/],
      ["filter[colour]=red", "filter[colour]", /Unknown filter/],
      ["page[limit]=501", "page[limit]", /at most 500/],
      ["page[limit]=0", "page[limit]", /at least 1/],
      ["page[offset]=-1", "page[offset]", /negative/],
      ["page[offset]=ten", "page[offset]", /not an integer/],
      ["page[size]=10", "page[size]", /Unknown page parameter/],
      ["order_by=colour_ASC", "order_by", /Unknown sort field 'colour'/],
      ["order_by=name", "order_by", /_ASC or <field>_DESC/],
      ["order_by=tags_ASC", "order_by", /Unknown sort field 'tags'/],
    ])("%s", async (query, parameter, detail) => {
      const res = await request(app).get(`/resources?${query}`).set(auth);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].source).toEqual({ parameter });
      expect(res.body.errors[0].detail).toMatch(detail);
    });
  });
});
