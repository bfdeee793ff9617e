import request from "supertest";
import type { Express } from "express";
import type { Database } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { createTestApp, userWithKey } from "./helpers/app.js";

/**
 * Every dynamic-rest operator (AltSchool/dynamic-rest `DynamicFilterBackend.VALID_FILTER_OPERATORS`
 * that the issue names) through GeoNode's /api/v2/datasets and /resources, on GeoNode's own field
 * names: the Dataset columns (subtype, srid, feature_count, date, category, regions, license,
 * flags) and the to-many keywords. The expected rows are written out by hand from the seed with
 * Django's lookup meaning, including its handling of NULL in an excluded condition
 * (`~Q(category__identifier="elevation")` keeps the rows without a category).
 */

interface Seed {
  title: string;
  subtype: "vector" | "raster" | "remote";
  srid: string | null;
  feature_count: number | null;
  category: string | null;
  regions: string[];
  tags: string[];
  date: string;
  license: string | null;
  is_published: boolean;
  featured: boolean;
}

const SEED: Seed[] = [
  { title: "Alpha Rivers", subtype: "vector", srid: "EPSG:28992", feature_count: 10, category: "inlandWaters", regions: ["NLD", "BEL"], tags: ["water", "Rivers"], date: "2020-01-01T00:00:00Z", license: "cc-by-4.0", is_published: true, featured: false },
  { title: "Bravo Roads", subtype: "vector", srid: "EPSG:4326", feature_count: 250, category: "transportation", regions: ["NLD"], tags: ["roads"], date: "2021-06-15T00:00:00Z", license: "odbl", is_published: false, featured: true },
  { title: "Charlie DEM", subtype: "raster", srid: "EPSG:28992", feature_count: null, category: "elevation", regions: [], tags: ["dem", "height"], date: "2022-03-01T00:00:00Z", license: null, is_published: true, featured: false },
  { title: "Delta remote", subtype: "remote", srid: null, feature_count: null, category: null, regions: ["DEU"], tags: [], date: "2023-01-01T00:00:00Z", license: null, is_published: true, featured: false },
];
const A = "Alpha Rivers";
const B = "Bravo Roads";
const C = "Charlie DEM";
const D = "Delta remote";

describe("GeoNode API v2: each dynamic-rest operator on GeoNode's fields", () => {
  let db: Database;
  let app: Express;
  let ada: Record<string, string>;

  const datasets = async (query: string) => {
    const res = await request(app).get(`/api/v2/datasets/?page_size=100&${query}`).set(ada);
    expect(res.status).toBe(200);
    return (res.body.datasets as { title: string }[]).map((d) => d.title).sort();
  };

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ plugins: [rasterSourcePlugin(), datasetPlugin()], pipeline: { worker: false } }));
    let user;
    ({ user, auth: ada } = await userWithKey(db, "ada"));
    for (const [i, s] of SEED.entries()) {
      await db.prisma.resource.create({
        data: {
          type: "dataset",
          name: s.title,
          owner_id: user.id,
          access_modifier: "Public",
          tags: s.tags,
          created_at: new Date(Date.UTC(2024, 0, 1 + i)),
          dataset: {
            create: {
              subtype: s.subtype,
              alternate: `geonode:${s.title.toLowerCase().replace(/ /g, "_")}`,
              srid: s.srid,
              feature_count: s.feature_count,
              category: s.category,
              regions: s.regions,
              date: new Date(s.date),
              license: s.license,
              is_published: s.is_published,
              featured: s.featured,
            },
          },
        },
      });
    }
    // A document: no condition on a Dataset column of GeoNode's datasets may pick it.
    await db.prisma.resource.create({ data: { type: "document", name: "Echo report", owner_id: user.id, access_modifier: "Public", dataset: { create: { subtype: "document" } } } });
  });

  afterAll(async () => {
    await db?.close();
  });

  it.each([
    // eq (also the bare key) and iexact
    ["filter{title}=Bravo Roads", [B]],
    ["filter{title.eq}=bravo roads", []],
    ["filter{title.iexact}=bravo ROADS", [B]],
    // contains / icontains: case-sensitive and not
    ["filter{title.contains}=Ro", [B]],
    ["filter{title.contains}=ro", []],
    ["filter{title.icontains}=RIV", [A]],
    ["filter{abstract.icontains}=nothing", []],
    // startswith / istartswith / endswith / iendswith
    ["filter{title.startswith}=Al", [A]],
    ["filter{title.startswith}=al", []],
    ["filter{title.istartswith}=al", [A]],
    ["filter{title.endswith}=DEM", [C]],
    ["filter{title.endswith}=dem", []],
    ["filter{title.iendswith}=dem", [C]],
    // in: each repeated parameter one value (the QGIS plugin's filter{subtype.in})
    ["filter{subtype.in}=vector&filter{subtype.in}=raster", [A, B, C]],
    ["filter{category.identifier.in}=elevation&filter{category.identifier.in}=transportation", [B, C]],
    // gt / gte / lt / lte / range on an integer; a NULL compares as nothing
    ["filter{feature_count.gt}=10", [B]],
    ["filter{feature_count.gte}=10", [A, B]],
    ["filter{feature_count.lt}=250", [A]],
    ["filter{feature_count.lte}=250", [A, B]],
    ["filter{feature_count.range}=10&filter{feature_count.range}=100", [A]],
    ["filter{feature_count.range}=10,250", [A, B]],
    // ... and on a date (the QGIS plugin's filter{date.gte|lte} in Qt's ISODate)
    ["filter{date.gte}=2021-06-15T00:00:00", [B, C, D]],
    ["filter{date.gt}=2021-06-15T00:00:00", [C, D]],
    ["filter{date.lt}=2021-06-15", [A]],
    ["filter{date.lte}=2021-06-15T00:00:00Z", [A, B]],
    ["filter{date.range}=2021-01-01&filter{date.range}=2022-12-31", [B, C]],
    // isnull, on a column and on a related path
    ["filter{srid.isnull}=true", [D]],
    ["filter{srid.isnull}=false", [A, B, C]],
    ["filter{category.identifier.isnull}=1", [D]],
    ["filter{license.identifier.isnull}=0", [A, B]],
    // related paths
    ["filter{category.identifier}=elevation", [C]],
    ["filter{license.identifier.istartswith}=CC", [A]],
    ["filter{owner.username.iexact}=ADA", [A, B, C, D]],
    // to-many: keywords and regions compare element by element
    ["filter{keywords.name}=water", [A]],
    ["filter{keywords.name.icontains}=RIV", [A]],
    ["filter{keywords.name.contains}=riv", []],
    ["filter{keywords.name.iexact}=rivers", [A]],
    ["filter{keywords.name.istartswith}=he", [C]],
    ["filter{keywords.name.endswith}=ds", [B]],
    ["filter{keywords.name.in}=dem&filter{keywords.name.in}=roads", [B, C]],
    ["filter{regions.code}=NLD", [A, B]],
    ["filter{regions.code.in}=BEL&filter{regions.code.in}=DEU", [A, D]],
    // booleans read as is_truthy
    ["filter{is_published}=false", [B]],
    ["filter{featured}=true", [B]],
    ["filter{featured}=0", [A, C, D]],
    // filter{-…} excludes; rows where the column is NULL are not matches, so they stay (Django's exclude)
    ["filter{-subtype.in}=raster", [A, B, D]],
    ["filter{-category.identifier}=elevation", [A, B, D]],
    ["filter{-feature_count.gt}=100", [A, C, D]],
    ["filter{-keywords.name}=water", [B, C, D]],
    ["filter{-regions.code}=NLD", [C, D]],
    ["filter{-srid.isnull}=true", [A, B, C]],
    // several filters AND together
    ["filter{subtype.in}=vector&filter{-title.icontains}=roads", [A]],
    ["filter{regions.code}=NLD&filter{feature_count.gte}=100&filter{featured}=true", [B]],
  ])("%s", async (query, expected) => {
    expect(await datasets(query)).toEqual([...expected].sort());
  });

  it("a condition on a Dataset column never picks a document, on /resources/ either", async () => {
    const titles = async (query: string) => ((await request(app).get(`/api/v2/resources/?page_size=100&${query}`).set(ada)).body.resources as { title: string }[]).map((r) => r.title).sort();
    expect(await titles("filter{category.identifier.isnull}=false")).toEqual([A, B, C]);
    expect(await titles("filter{subtype.in}=vector&filter{subtype.in}=raster&filter{subtype.in}=remote")).toEqual([A, B, C, D]);
    expect(await titles("filter{resource_type}=document")).toEqual(["Echo report"]);
  });

  it("the filtered total is what the page reports, and paging walks the same set", async () => {
    const first = await request(app).get("/api/v2/datasets/?page_size=2&filter{feature_count.isnull}=true&sort[]=title").set(ada);
    expect(first.body).toMatchObject({ total: 2, page: 1, page_size: 2, links: { next: null, previous: null } });
    expect(first.body.datasets.map((d: { title: string }) => d.title)).toEqual([C, D]);
  });
});
