import type { Express } from "express";
import request from "supertest";
import type { Database } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { polygonCollection, tempDir, writeJson } from "../plugins/dataset/src/__tests__/fixtures.js";
import { ogrinfoSummary } from "../plugins/dataset/src/__tests__/ogr.js";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { qgisUpload } from "./helpers/qgis-geonode.js";

/**
 * The QGIS GeoNode plugin end to end (GeoNode/QGISGeoNodePlugin, `apiclient/geonode_api_v2.py`):
 * upload and poll (test/helpers/qgis-geonode.ts), then the search URL `build_search_query`
 * makes, with every filter the dialog can set and its `sort[]=name`, and the list and detail
 * parsed as `_get_common_model_properties` / `_parse_dataset_detail` do, where a missing key
 * (KeyError), an unparsable pk, uuid or date (ValueError) or a 4xx drops the dataset or the
 * whole search. Truth for the uploaded layer: ogrinfo.
 */

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const parcels = writeJson(tmp.file("parcels.geojson"), polygonCollection(25));

/** `_parse_datetime`: "%Y-%m-%dT%H:%M:%SZ", else "%Y-%m-%dT%H:%M:%S.%fZ" (1 to 6 fraction digits). */
function parseDatetime(raw: unknown): Date {
  if (typeof raw !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(raw)) throw new Error(`ValueError: time data ${JSON.stringify(raw)}`);
  return new Date(raw);
}

/** Python's `int()` on a JSON value: an int, or a string of digits. */
function pyInt(raw: unknown): number {
  if (typeof raw === "number" && Number.isInteger(raw)) return raw;
  if (typeof raw === "string" && /^\s*[+-]?\d+\s*$/.test(raw)) return Number(raw);
  throw new Error(`ValueError: invalid literal for int(): ${JSON.stringify(raw)}`);
}

function key(raw: Record<string, unknown>, name: string): unknown {
  if (!Object.hasOwn(raw, name)) throw new Error(`KeyError: '${name}'`);
  return raw[name];
}

/** `_get_common_model_properties`, the parts that can raise. */
function commonProperties(raw: Record<string, unknown>) {
  const uuid = key(raw, "uuid");
  if (typeof uuid !== "string" || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid)) throw new Error(`ValueError: badly formed uuid ${JSON.stringify(uuid)}`);
  const bbox = key(raw, "bbox_polygon") as { coordinates: unknown[][] };
  // `x, y = coord` for each vertex of the outer ring.
  const ring = bbox.coordinates[0] as unknown[];
  for (const coord of ring) if (!Array.isArray(coord) || coord.length !== 2) throw new Error(`ValueError: cannot unpack ${JSON.stringify(coord)}`);
  const xs = ring.map((c) => (c as number[])[0]!);
  const ys = ring.map((c) => (c as number[])[1]!);
  const temporal = [raw.temporal_extent_start || null, raw.temporal_extent_end || null];
  return {
    pk: pyInt(raw.pk),
    uuid,
    name: (raw.alternate ?? raw.name ?? "") as string,
    title: (raw.title ?? "") as string,
    abstract: (raw.raw_abstract ?? raw.abstract ?? "") as string,
    thumbnail_url: key(raw, "thumbnail_url"),
    link: key(raw, "link"),
    detail_url: key(raw, "detail_url"),
    subtype: ({ raster: "raster", vector: "vector" } as Record<string, string>)[raw.subtype as string] ?? "unknown",
    extent: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
    srid: key(raw, "srid"),
    published: key(raw, "date_type") === "publication" ? parseDatetime(raw.date) : null,
    temporal: temporal.every((t) => t === null) ? null : temporal.map((t) => (t === null ? null : parseDatetime(t))),
    keywords: ((raw.keywords ?? []) as { name: string }[]).map((k) => key(k, "name")),
    category: ((raw.category ?? {}) as { identifier?: string }).identifier ?? null,
    perms: (raw.perms ?? []) as string[],
  };
}

/** `build_search_query`, parameter for parameter, in its order. */
function searchQuery(filters: { page?: number; title?: string; abstract?: string; keyword?: string; category?: string; temporalStart?: string; temporalEnd?: string; publishedStart?: string; publishedEnd?: string; types?: ("vector" | "raster")[]; reverse?: boolean }): string {
  const q = new URLSearchParams();
  q.append("page", String(filters.page ?? 1));
  q.append("page_size", "10");
  if (filters.title !== undefined) q.append("filter{title.icontains}", filters.title);
  if (filters.abstract !== undefined) q.append("filter{abstract.icontains}", filters.abstract);
  if (filters.keyword !== undefined) q.append("filter{keywords.name.icontains}", filters.keyword);
  if (filters.category !== undefined) q.append("filter{category.identifier}", filters.category);
  if (filters.temporalStart !== undefined) q.append("filter{temporal_extent_start.gte}", filters.temporalStart);
  if (filters.temporalEnd !== undefined) q.append("filter{temporal_extent_end.lte}", filters.temporalEnd);
  if (filters.publishedStart !== undefined) q.append("filter{date.gte}", filters.publishedStart);
  if (filters.publishedEnd !== undefined) q.append("filter{date.lte}", filters.publishedEnd);
  for (const type of filters.types ?? ["vector", "raster"]) q.append("filter{subtype.in}", type);
  // The dialog's one ordering field (get_ordering_fields: title) is sent as "name".
  q.append("sort[]", `${filters.reverse ? "-" : ""}name`);
  return q.toString();
}

describe("the QGIS GeoNode plugin end to end: upload, search, detail", () => {
  let db: Database;
  let app: Express;
  let auth: Record<string, string>;
  let uploaded: number;

  const search = async (filters: Parameters<typeof searchQuery>[0]) => {
    const res = await request(app).get(`/api/v2/datasets/?${searchQuery(filters)}`).set(auth);
    expect(res.status).toBe(200);
    const body = res.body as { total: number; page: number; page_size: number; datasets: Record<string, unknown>[] };
    // handle_dataset_list: the pagination info and every brief dataset parsed (none dropped).
    expect(typeof body.total).toBe("number");
    return { body, datasets: body.datasets.map(commonProperties) };
  };

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ plugins: [rasterSourcePlugin(), datasetPlugin()] }));
    let user;
    ({ user, auth } = await userWithKey(db, "qgis"));
    const outcome = await qgisUpload(app, auth, { title: "Parcels from QGIS", abstract: "Cadastral parcels", main: parcels, sidecars: [], allowPublicAccess: false }, { pollMs: 20 });
    expect(outcome).toMatchObject({ ok: true, error: null });
    uploaded = (outcome.last as { request: { output_params: { resources: { id: number }[] } } }).request.output_params.resources[0]!.id;
    // Catalogue metadata as GeoNode's metadata editor would have set it; a raster and a document beside it.
    await db.prisma.resource.update({ where: { id: uploaded }, data: { tags: ["cadastre", "Parcels"], dataset: { update: { category: "planningCadastre", date: new Date("2021-05-04T10:00:00Z"), date_type: "publication" } } } });
    await db.prisma.resource.create({
      data: {
        type: "dataset",
        name: "Heights of parcels",
        description: "A DEM",
        owner_id: user.id,
        tags: ["dem"],
        dataset: { create: { subtype: "raster", alternate: "geonode:heights", srid: "EPSG:28992", category: "elevation", date: new Date("2019-01-01T00:00:00Z"), temporal_extent_start: new Date("2015-01-01T00:00:00Z"), temporal_extent_end: new Date("2018-12-31T00:00:00Z"), bbox_x0: 0, bbox_y0: 300000, bbox_x1: 280000, bbox_y1: 625000 } },
      },
    });
    await db.prisma.resource.create({ data: { type: "document", name: "Parcels report", owner_id: user.id, dataset: { create: { subtype: "document" } } } });
  });

  afterAll(async () => {
    await db?.close();
  });

  it("the default search (vector and raster, sorted by name) lists both datasets and no document, every one parsable", async () => {
    const { body, datasets } = await search({});
    expect(body).toMatchObject({ total: 2, page: 1, page_size: 10 });
    // name: the alternate without its workspace; "heights" < the upload's layer name "parcels…".
    expect(datasets.map((d) => d.title)).toEqual(["Heights of parcels", "Parcels from QGIS"]);
    expect((await search({ reverse: true })).datasets.map((d) => d.title)).toEqual(["Parcels from QGIS", "Heights of parcels"]);
  });

  it("each filter the search dialog sets narrows as GeoNode does", async () => {
    const titles = async (filters: Parameters<typeof searchQuery>[0]) => (await search(filters)).datasets.map((d) => d.title);
    expect(await titles({ title: "PARCELS" })).toEqual(["Heights of parcels", "Parcels from QGIS"]);
    expect(await titles({ title: "from qgis" })).toEqual(["Parcels from QGIS"]);
    expect(await titles({ abstract: "cadastral" })).toEqual(["Parcels from QGIS"]);
    expect(await titles({ keyword: "parc" })).toEqual(["Parcels from QGIS"]);
    expect(await titles({ keyword: "DE" })).toEqual(["Heights of parcels"]);
    expect(await titles({ category: "elevation" })).toEqual(["Heights of parcels"]);
    expect(await titles({ types: ["vector"] })).toEqual(["Parcels from QGIS"]);
    expect(await titles({ types: ["raster"] })).toEqual(["Heights of parcels"]);
    expect(await titles({ publishedStart: "2020-01-01T00:00:00" })).toEqual(["Parcels from QGIS"]);
    expect(await titles({ publishedEnd: "2020-01-01T00:00:00" })).toEqual(["Heights of parcels"]);
    expect(await titles({ publishedStart: "2021-05-04T10:00:00", publishedEnd: "2021-05-04T10:00:00" })).toEqual(["Parcels from QGIS"]);
  });

  it("the temporal-extent filters compare GeoNode's temporal_extent_start and _end; a dataset without one never matches", async () => {
    const titles = async (filters: Parameters<typeof searchQuery>[0]) => (await search(filters)).datasets.map((d) => d.title);
    expect(await titles({ temporalStart: "2000-01-01T00:00:00" })).toEqual(["Heights of parcels"]);
    expect(await titles({ temporalStart: "2015-01-01T00:00:00" })).toEqual(["Heights of parcels"]);
    expect(await titles({ temporalStart: "2016-01-01T00:00:00" })).toEqual([]);
    expect(await titles({ temporalEnd: "2100-01-01T00:00:00" })).toEqual(["Heights of parcels"]);
    expect(await titles({ temporalEnd: "2017-01-01T00:00:00" })).toEqual([]);
    const heights = (await search({ types: ["raster"] })).datasets[0]!;
    expect(heights.temporal).toEqual([new Date("2015-01-01T00:00:00Z"), new Date("2018-12-31T00:00:00Z")]);
  });

  it("the brief record of the upload carries what the plugin reads, equal to ogrinfo's extent", async () => {
    const brief = (await search({ title: "from qgis" })).datasets[0]!;
    const info = ogrinfoSummary(parcels);
    expect(info.extent).not.toBeNull();
    expect(brief).toMatchObject({ pk: uploaded, subtype: "vector", title: "Parcels from QGIS", abstract: "Cadastral parcels", srid: "EPSG:4326", keywords: ["cadastre", "Parcels"], category: "planningCadastre", published: new Date("2021-05-04T10:00:00Z"), temporal: null });
    expect(brief.name).toMatch(/^geonode:/);
    const [x0, y0, x1, y1] = brief.extent;
    for (const [got, want] of [[x0, info.extent![0]], [y0, info.extent![1]], [x1, info.extent![2]], [y1, info.extent![3]]] as const) expect(got).toBeCloseTo(want, 5);
    expect(brief.perms).toContain("change_resourcebase");
  });

  it("the detail answers {dataset:{…}} that _parse_dataset_detail reads, at the URL get_dataset_detail_url makes", async () => {
    const res = await request(app).get(`/api/v2/datasets/${uploaded}/`).set(auth);
    expect(res.status).toBe(200);
    const raw = key(res.body, "dataset") as Record<string, unknown>;
    const common = commonProperties(raw);
    expect(common.pk).toBe(uploaded);
    expect(((raw.owner ?? {}) as { username?: string }).username).toBe("qgis");
    expect(((raw.license ?? {}) as { identifier?: string }).identifier ?? "").toBe("");
    // The uploaded layer is private to its owner (allowPublicAccess: false).
    expect((await request(app).get(`/api/v2/datasets/${uploaded}/`)).status).toBe(404);
    expect((await request(app).get(`/api/v2/datasets/?${searchQuery({})}`)).body.total).toBe(0);
  });
});
