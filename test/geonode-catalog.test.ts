import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Express } from "express";
import request from "supertest";
import type { Database } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { polygonCollection, tempDir, writeJson } from "../plugins/dataset/src/__tests__/fixtures.js";
import { expectClose, geoJsonTypeName, ogr2ogr, ogrFieldStats, ogrinfoSummary } from "../plugins/dataset/src/__tests__/ogr.js";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { qgisUpload } from "./helpers/qgis-geonode.js";

/**
 * GeoNode API v2 renders the Dataset model: the columns an upload's one pass
 * wrote (subtype, alternate, srid, bboxes, extent, attribute_set, counts),
 * the catalogue columns (keywords, category, regions, date, license,
 * published/approved/featured), the caller's favourite flag, links and
 * thumbnail, and filters on them. Truth: ogrinfo, gdaltransform, identify, sha256.
 */

const HOST = "geonode.test";
const tmp = tempDir();
afterAll(() => tmp.cleanup());

const parcels = writeJson(tmp.file("parcels.geojson"), polygonCollection(60));
/** 30 points in South-East Asia, far from the parcels, for `extent`. */
const points = writeJson(tmp.file("stations.geojson"), {
  type: "FeatureCollection",
  features: Array.from({ length: 30 }, (_, i) => ({
    type: "Feature",
    properties: { code: `st-${i}`, height: (i * 37) % 90 },
    geometry: { type: "Point", coordinates: [100 + (i % 10), 10 + Math.floor(i / 3)] },
  })),
});

/** The parcels as a Shapefile in RD New, sent as parts as QGIS does. */
function shapefile(name: string) {
  const dir = tmp.file(`${name}-parts`);
  ogr2ogr(["-f", "ESRI Shapefile", "-t_srs", "EPSG:28992", dir, parcels, "-nln", name]);
  return { shp: join(dir, `${name}.shp`), shx: join(dir, `${name}.shx`), dbf: join(dir, `${name}.dbf`), prj: join(dir, `${name}.prj`) };
}

/**
 * The WGS84 bounds of a native box as GDAL's OCTTransformBounds computes them: each edge
 * densified to 21 points, every point projected by GDAL (gdaltransform), the extremes kept.
 */
function wgs84Bounds(srs: string, [x0, y0, x1, y1]: readonly number[]): number[] {
  const points: string[] = [];
  for (let i = 0; i <= 20; i += 1) {
    const t = i / 20;
    const x = x0! + (x1! - x0!) * t;
    const y = y0! + (y1! - y0!) * t;
    points.push(`${x} ${y0}`, `${x} ${y1}`, `${x0} ${y}`, `${x1} ${y}`);
  }
  const out = execFileSync("gdaltransform", ["-s_srs", srs, "-t_srs", "EPSG:4326"], { input: points.join("\n"), encoding: "utf8" });
  const lonLat = out.trim().split("\n").map((line) => line.split(/\s+/).map(Number));
  const lons = lonLat.map((p) => p[0]!);
  const lats = lonLat.map((p) => p[1]!);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}

const ring = ([x0, y0, x1, y1]: readonly number[]) => [[[x0, y0], [x0, y1], [x1, y1], [x1, y0], [x0, y0]]];

describe("GeoNode API v2: the Dataset model through /resources and /datasets", () => {
  let db: Database;
  let app: Express;
  let ada: Record<string, string>;
  let bob: Record<string, string>;
  let adaId: number;
  let bobId: number;
  const ids: Record<"rd" | "stations", number> = { rd: 0, stations: 0 };
  let rd: ReturnType<typeof shapefile>;

  const get = (path: string, auth: Record<string, string> = {}) => request(app).get(`/api/v2${path}`).set("Host", HOST).set(auth);
  const titles = (body: Record<string, unknown>, key = "datasets") => (body[key] as { title: string }[]).map((r) => r.title);

  async function uploadGeoJson(file: string, title: string, auth: Record<string, string>): Promise<number> {
    const res = await request(app).post("/api/v2/uploads/upload").set(auth).attach("base_file", file).field("dataset_title", title);
    expect(res.status).toBe(201);
    for (;;) {
      const poll = await request(app).get(`/api/v2/executionrequest/${res.body.execution_id}`).set(auth);
      if (poll.body.request.status === "finished") return poll.body.request.geonode_resource as number;
      if (poll.body.request.status === "failed") throw new Error(poll.body.request.log);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ plugins: [rasterSourcePlugin(), datasetPlugin()] }));
    ({ auth: ada, user: { id: adaId } } = await userWithKey(db, "ada"));
    ({ auth: bob, user: { id: bobId } } = await userWithKey(db, "bob"));
    rd = shapefile("parcels_rd");
    const outcome = await qgisUpload(app, ada, { title: "Parcels RD", main: rd.shp, sidecars: [["dbf_file", rd.dbf], ["prj_file", rd.prj], ["shx_file", rd.shx]], allowPublicAccess: true });
    expect(outcome.ok).toBe(true);
    ids.rd = (outcome.last as { request: { geonode_resource: number } }).request.geonode_resource;
    // Private to Ada (no permissions in the form).
    ids.stations = await uploadGeoJson(points, "Stations", ada);
    // The catalogue columns an editor sets (no upload writes them).
    await db.prisma.resource.update({ where: { id: ids.rd }, data: { tags: ["cadastre", "Parcels"] } });
    await db.prisma.dataset.update({ where: { resource_id: ids.rd }, data: { category: "planningCadastre", regions: ["NL", "150"], license: "cc-by-4.0", featured: true, date: new Date("2020-05-01T00:00:00Z"), date_type: "creation" } });
    await db.prisma.dataset.update({ where: { resource_id: ids.stations }, data: { category: "climatologyMeteorologyAtmosphere", is_published: false, regions: ["TH"] } });
    await db.prisma.resource.update({ where: { id: ids.stations }, data: { tags: ["weather"] } });
  });

  afterAll(async () => {
    await db?.close();
  });

  it("a Shapefile's detail renders what ogrinfo and GDAL's projection say of it", async () => {
    const res = await get(`/datasets/${ids.rd}/`, bob);
    expect(res.status).toBe(200);
    const d = res.body.dataset;
    const truth = ogrinfoSummary(rd.shp);
    expect(d).toMatchObject({
      pk: String(ids.rd),
      title: "Parcels RD",
      subtype: "vector",
      alternate: "geonode:parcels_rd",
      name: "parcels_rd",
      srid: `EPSG:${truth.epsg}`,
      feature_count: truth.featureCount,
      geometry_type: geoJsonTypeName(truth.geometry),
      keywords: [{ name: "cadastre", slug: "cadastre" }, { name: "Parcels", slug: "Parcels" }],
      category: { identifier: "planningCadastre" },
      regions: [{ code: "NL", name: "Netherlands" }, { code: "150", name: "Europe" }],
      license: { identifier: "cc-by-4.0" },
      date: "2020-05-01T00:00:00.000Z",
      date_type: "creation",
      is_published: true,
      is_approved: true,
      featured: true,
      favorite: false,
    });
    expect(d.bbox_polygon.type).toBe("Polygon");
    d.bbox_polygon.coordinates[0].flat().forEach((v: number, i: number) => expectClose(v, ring(truth.extent!)[0]!.flat()[i]!, 1e-9));
    const ll = wgs84Bounds("EPSG:28992", truth.extent!);
    d.ll_bbox_polygon.coordinates[0].flat().forEach((v: number, i: number) => expectClose(v, ring(ll)[0]!.flat()[i]!, 1e-7));
    expect(d.extent.srid).toBe("EPSG:4326");
    d.extent.coords.forEach((v: number, i: number) => expectClose(v, ll[i]!, 1e-7));

    // attribute_set: names and XSD types in ogrinfo's order, statistics as ogrinfo's SQL computes them.
    const xsd: Record<string, string> = { Integer: "xsd:int", Integer64: "xsd:int", Real: "xsd:double", String: "xsd:string", Date: "xsd:date" };
    expect(d.attribute_set.map((a: { attribute: string; attribute_type: string }) => [a.attribute, a.attribute_type])).toEqual(truth.fields.map((f) => [f.name, xsd[f.type]]));
    for (const field of ["population", "area"]) {
      const attribute = d.attribute_set.find((a: { attribute: string }) => a.attribute === field);
      const stats = ogrFieldStats(rd.shp, "parcels_rd", field);
      expect(attribute.count).toBe(stats.count);
      expect([Number(attribute.min), Number(attribute.max)]).toEqual([Number(stats.min), Number(stats.max)]);
      expectClose(Number(attribute.sum), Number(stats.sum), 1e-9);
      expectClose(Number(attribute.average), Number(stats.avg), 1e-9);
      expectClose(Number(attribute.stddev), Number(stats.stddev), 1e-9);
      expectClose(Number(attribute.median), Number(stats.median), 1e-9);
      expect(JSON.parse(attribute.unique_values)).toHaveLength(stats.distinct);
    }
    const kind = d.attribute_set.find((a: { attribute: string }) => a.attribute === "kind");
    expect([kind.average, kind.sum]).toEqual(["NA", "NA"]);
    // Bob may view and download (AnonymousUser's view + download): the download link is there.
    expect(d.perms).toEqual(["view_resourcebase", "download_resourcebase"]);
    expect(d.links.map((l: { link_type: string }) => l.link_type)).toEqual(["original", "html"]);
  });

  it("a GeoJSON's native box is its WGS84 box; the download is the stored file and the thumbnail a PNG", async () => {
    const res = await get(`/datasets/${ids.stations}/`, ada);
    const d = res.body.dataset;
    const truth = ogrinfoSummary(points);
    expect(d).toMatchObject({ srid: "EPSG:4326", feature_count: 30, geometry_type: "Point", subtype: "vector", is_published: false, favorite: false });
    expect(d.bbox_polygon).toEqual({ type: "Polygon", coordinates: ring(truth.extent!) });
    expect(d.ll_bbox_polygon).toEqual(d.bbox_polygon);
    expect(d.extent.coords).toEqual(truth.extent);

    const download = d.links.find((l: { link_type: string }) => l.link_type === "original");
    expect(download).toMatchObject({ extension: "geojson", name: "stations.geojson" });
    expect(d.download_url).toBe(download.url);
    const file = await request(app).get(new URL(download.url).pathname).set(ada).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on("data", (c: Buffer) => chunks.push(c));
      r.on("end", () => done(null, Buffer.concat(chunks)));
    });
    expect(file.status).toBe(200);
    expect(createHash("sha256").update(file.body as Buffer).digest("hex")).toBe(execFileSync("sha256sum", [points], { encoding: "utf8" }).split(" ")[0]);
    // Private: Bob neither sees it nor its files.
    expect((await get(`/datasets/${ids.stations}/`, bob)).status).toBe(404);
    expect((await request(app).get(new URL(download.url).pathname).set(bob)).status).toBe(404);
    expect((await request(app).get(new URL(d.thumbnail_url).pathname).set(bob)).status).toBe(404);

    const thumb = await request(app).get(new URL(d.thumbnail_url).pathname).set(ada).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on("data", (c: Buffer) => chunks.push(c));
      r.on("end", () => done(null, Buffer.concat(chunks)));
    });
    expect(thumb.status).toBe(200);
    expect(thumb.headers["content-type"]).toBe("image/png");
    const png = tmp.file("thumb.png");
    writeFileSync(png, thumb.body as Buffer);
    expect(execFileSync("identify", ["-format", "%m %w %h", png], { encoding: "utf8" })).toBe("PNG 240 180");
    expect(readFileSync(png).length).toBeGreaterThan(100);
  });

  it("lists leave attribute_set out unless include[] asks; the caller's favourite flag is theirs", async () => {
    const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { resource_id: ids.rd } });
    await db.prisma.datasetFavorite.create({ data: { dataset_id: dataset.id, user_id: adaId } });
    const list = await get("/datasets/?filter{pk}=" + ids.rd, ada);
    expect(list.body.datasets[0]).not.toHaveProperty("attribute_set");
    expect(list.body.datasets[0].favorite).toBe(true);
    expect((await get("/datasets/?filter{pk}=" + ids.rd, bob)).body.datasets[0].favorite).toBe(false);
    const included = await get(`/datasets/?filter{pk}=${ids.rd}&include[]=attribute_set`, ada);
    expect(included.body.datasets[0].attribute_set.map((a: { attribute: string }) => a.attribute)).toEqual(ogrinfoSummary(rd.shp).fields.map((f) => f.name));
    expect((await get(`/datasets/${ids.rd}/attribute_set/`)).body.attribute_set).toHaveLength(ogrinfoSummary(rd.shp).fields.length);
  });

  it.each([
    ["filter{subtype}=vector", ["Stations", "Parcels RD"]],
    ["filter{subtype.in}=raster", []],
    ["filter{is_published}=false", ["Stations"]],
    ["filter{featured}=true", ["Parcels RD"]],
    ["filter{category.identifier}=planningCadastre", ["Parcels RD"]],
    ["filter{keywords.name.icontains}=PARCEL", ["Parcels RD"]],
    ["filter{keywords.name.icontains}=e", ["Stations", "Parcels RD"]],
    ["filter{keywords.name}=weather", ["Stations"]],
    ["filter{-keywords.name.icontains}=cad", ["Stations"]],
    ["filter{regions.code}=TH", ["Stations"]],
    ["filter{date.gte}=2021-01-01", ["Stations"]],
    ["filter{srid}=EPSG:28992", ["Parcels RD"]],
    ["filter{geometry_type}=Point", ["Stations"]],
    ["extent=99,9,101,11", ["Stations"]],
    ["extent=3,50,4,51", ["Parcels RD"]],
    ["extent=-10,-10,-5,-5", []],
    ["sort[]=feature_count", ["Stations", "Parcels RD"]],
    ["sort[]=-feature_count", ["Parcels RD", "Stations"]],
  ])("%s", async (query, expected) => {
    const res = await get(`/datasets/?${query}`, ada);
    expect(res.status).toBe(200);
    expect(titles(res.body)).toEqual(expected);
    expect(res.body.total).toBe(expected.length);
  });

  it("filters still run inside the caller's permissions", async () => {
    expect(titles((await get("/datasets/?filter{keywords.name.icontains}=e", bob)).body)).toEqual(["Parcels RD"]);
    expect(titles((await get("/resources/?extent=99,9,101,11", bob)).body, "resources")).toEqual([]);
  });

  it("overwrite_existing_layer=true with resource_pk replaces the dataset's data and summary, keeping its id and permissions", async () => {
    const v2 = writeJson(tmp.file("stations_v2.geojson"), {
      type: "FeatureCollection",
      features: Array.from({ length: 12 }, (_, i) => ({
        type: "Feature",
        properties: { depth: i * 1.5, river: `r${i % 4}` },
        geometry: { type: "LineString", coordinates: [[20 + i, -30], [21 + i, -29 - i / 10]] },
      })),
    });
    await db.prisma.permissionGrant.create({ data: { resource_id: ids.stations, subject_type: "user", user_id: bobId, permission: "view" } });
    const grants = () => db.prisma.permissionGrant.findMany({ where: { resource_id: ids.stations }, orderBy: { id: "asc" } });
    const grantsBefore = await grants();
    const resourcesBefore = await db.prisma.resource.count();
    const send = (auth: Record<string, string>) =>
      request(app).post("/api/v2/uploads/upload").set(auth).field("overwrite_existing_layer", "true").field("resource_pk", String(ids.stations)).attach("base_file", v2);

    // Bob may view it, not change it; nobody may overwrite what they cannot see.
    const refused = await send(bob);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ success: false, code: "permission_denied" });
    const { auth: carol } = await userWithKey(db, "carol");
    expect((await send(carol)).status).toBe(404);

    const res = await send(ada);
    expect(res.status).toBe(201);
    let outcome: Record<string, unknown>;
    for (;;) {
      outcome = (await request(app).get(`/api/v2/executionrequest/${res.body.execution_id}`).set(ada)).body.request;
      if (outcome.status === "finished" || outcome.status === "failed") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(outcome).toMatchObject({ status: "finished", geonode_resource: ids.stations });

    const truth = ogrinfoSummary(v2);
    const d = (await get(`/datasets/${ids.stations}/`, ada)).body.dataset;
    expect(d).toMatchObject({ pk: String(ids.stations), title: "Stations", alternate: "geonode:stations", feature_count: truth.featureCount, geometry_type: geoJsonTypeName(truth.geometry), srid: "EPSG:4326" });
    expect(d.bbox_polygon.coordinates).toEqual(ring(truth.extent!));
    const xsd: Record<string, string> = { Integer: "xsd:int", Real: "xsd:double", String: "xsd:string" };
    expect(d.attribute_set.map((a: { attribute: string; attribute_type: string }) => [a.attribute, a.attribute_type])).toEqual(truth.fields.map((f) => [f.name, xsd[f.type]]));
    const depth = d.attribute_set.find((a: { attribute: string }) => a.attribute === "depth");
    const stats = ogrFieldStats(v2, "stations_v2", "depth");
    expect([Number(depth.min), Number(depth.max), Number(depth.sum)]).toEqual([Number(stats.min), Number(stats.max), Number(stats.sum)]);
    const download = d.links.find((l: { link_type: string }) => l.link_type === "original");
    const file = await request(app).get(new URL(download.url).pathname).set(ada).buffer(true).parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on("data", (c: Buffer) => chunks.push(c));
      r.on("end", () => done(null, Buffer.concat(chunks)));
    });
    expect(createHash("sha256").update(file.body as Buffer).digest("hex")).toBe(execFileSync("sha256sum", [v2], { encoding: "utf8" }).split(" ")[0]);
    // Same id, same grants, no new resource; Bob still sees it through his grant.
    expect(await grants()).toEqual(grantsBefore);
    expect(await db.prisma.resource.count()).toBe(resourcesBefore);
    expect((await get(`/datasets/${ids.stations}/`, bob)).body.dataset.feature_count).toBe(truth.featureCount);
  });
});
