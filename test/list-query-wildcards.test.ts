import request from "supertest";
import type { Express } from "express";
import type { Database } from "@assets/core";
import { rasterSourcePlugin } from "@assets/raster-source";
import { createTestApp, userWithKey } from "./helpers/app.js";

/**
 * `%`, `_` and `\` in a text filter are literal characters, as in Django's
 * `contains` lookups (which escape them before building LIKE) and as a user
 * reading "contains" expects. Each name below is chosen so that a wildcard
 * reading of the filter would also match another name.
 */
const PLAIN = "plainname";
const UNDERSCORE = "p_a source";
const PERCENT = "100% rain";
const NO_PERCENT = "100 mm rain";
const BACKSLASH = "back\\slash";
const BACK_ANY = "backXslash";

describe("LIKE wildcards in text filters are literal", () => {
  let db: Database;
  let app: Express;
  let auth: Record<string, string>;

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ plugins: [rasterSourcePlugin()] }));
    ({ auth } = await userWithKey(db, "root", { superuser: true }));
    for (const [i, name] of [PLAIN, UNDERSCORE, PERCENT, NO_PERCENT, BACKSLASH, BACK_ANY].entries()) {
      await db.prisma.resource.create({
        data: { name, description: `about ${name}`, type: "raster_source", access_modifier: "Public", raster_source: { create: { supplier_code: `w${i}`, projection: "EPSG:28992" } } },
      });
    }
  });
  afterAll(async () => {
    await db.close();
  });

  const sorted = (list: string[]) => [...list].sort();
  async function jsonApiNames(query: string): Promise<string[]> {
    const res = await request(app).get(`/resources?${query}`).set(auth);
    expect(res.status).toBe(200);
    return sorted(res.body.data.map((d: { attributes: { name: string } }) => d.attributes.name));
  }
  async function lizardNames(query: string): Promise<string[]> {
    const res = await request(app).get(`/api/v4/rastersources/?${query}`).set(auth);
    expect(res.status).toBe(200);
    return sorted(res.body.results.map((r: { name: string }) => r.name));
  }
  const q = encodeURIComponent;

  it.each([
    [`filter[fields][name][starts_with]=${q("p_a")}`, [UNDERSCORE]],
    [`filter[fields][name][contains]=${q("_")}`, [UNDERSCORE]],
    [`filter[fields][name][contains]=${q("%")}`, [PERCENT]],
    [`filter[fields][name][contains]=${q("100%")}`, [PERCENT]],
    [`filter[fields][name][ends_with]=${q("% rain")}`, [PERCENT]],
    [`filter[fields][name][contains]=${q("k\\s")}`, [BACKSLASH]],
    [`filter[fields][name][ends_with]=${q("\\")}`, []],
    [`filter[fields][name][matches][pattern]=${q("p_a")}&filter[fields][name][matches][case_sensitive]=true`, [UNDERSCORE]],
    [`filter[fields][name][matches][pattern]=${q("P_A")}`, [UNDERSCORE]],
    [`filter[query]=${q("p_a")}`, [UNDERSCORE]],
    [`filter[query]=${q("100%")}`, [PERCENT]],
    [`filter[query]=${q("%")}`, [PERCENT]],
    [`filter[query]=${q("back\\slash")}`, [BACKSLASH]],
  ])("JSON:API %s", async (query, expected) => {
    expect(await jsonApiNames(query)).toEqual(sorted(expected));
  });

  it.each([
    [`name__istartswith=${q("P_A")}`, [UNDERSCORE]],
    [`name__startswith=${q("p_a")}`, [UNDERSCORE]],
    [`name__icontains=${q("_")}`, [UNDERSCORE]],
    [`name__contains=${q("0%")}`, [PERCENT]],
    [`name__icontains=${q("%")}`, [PERCENT]],
    [`name__iendswith=${q("% RAIN")}`, [PERCENT]],
    [`name__endswith=${q("%")}`, []],
    [`name__icontains=${q("K\\S")}`, [BACKSLASH]],
    [`name__icontains=${q("\\")}`, [BACKSLASH]],
    [`name__iexact=${q("P_A SOURCE")}`, [UNDERSCORE]],
    [`name__iexact=${q("p_ainname")}`, []],
  ])("Lizard ?%s", async (query, expected) => {
    expect(await lizardNames(query)).toEqual(sorted(expected));
  });

  it("without wildcards the filters still match as before", async () => {
    expect(await jsonApiNames("filter[fields][name][starts_with]=P")).toEqual(sorted([PLAIN, UNDERSCORE]));
    expect(await jsonApiNames("filter[query]=rain")).toEqual(sorted([PERCENT, NO_PERCENT]));
    expect(await lizardNames("name__icontains=SLASH")).toEqual(sorted([BACKSLASH, BACK_ANY]));
  });
});
