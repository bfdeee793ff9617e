// GeoTIFF datasets (issue 13 §2): GeoNode's upload form with a .tif, processed by raster-source's
// steps (the dataset plugin depends on that plugin), committed as a Dataset of subtype raster.
// Truth: gdalinfo -json -stats on a copy of each fixture, and the fixtures' truth.json (gdaltransform).
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Express } from "express";
import request from "supertest";
import { AppError, PluginRegistry, type Database, type Pipeline } from "@assets/core";
import { bandName, datasetPlugin, RASTER_ATTRIBUTE_TYPE } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { tempDir } from "../plugins/dataset/src/__tests__/fixtures.js";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { filesUnder } from "./helpers/pipeline.js";
import { qgisUpload } from "./helpers/qgis-geonode.js";

const FIXTURES = "/work/shared/fixtures/rasters";
const tmp = tempDir();
afterAll(() => tmp.cleanup());

interface TruthFile {
  file: string;
  spatial_bounds: { west: number; east: number; north: number; south: number };
}
const truth = (JSON.parse(readFileSync(join(FIXTURES, "truth.json"), "utf8")) as { files: TruthFile[] }).files;

interface GdalInfo {
  size: [number, number];
  stac?: { "proj:epsg"?: number };
  cornerCoordinates: { lowerLeft: [number, number]; upperRight: [number, number] };
  wgs84Extent: { coordinates: [number, number][][] };
  bands: { band: number; metadata: { "": Record<string, string> } }[];
}

/** gdalinfo -json -stats on a copy (GDAL writes its .aux.xml beside the file it reads). */
function gdalinfo(name: string): { path: string; info: GdalInfo } {
  const path = tmp.file(name);
  copyFileSync(join(FIXTURES, name), path);
  const info = JSON.parse(execFileSync("gdalinfo", ["-json", "-stats", path], { encoding: "utf8" })) as GdalInfo;
  // Uploaded without GDAL's sidecar: the copy alone.
  execFileSync("rm", ["-f", `${path}.aux.xml`]);
  return { path, info };
}

/** ImageMagick's view of a PNG: format, width, height. */
function identify(path: string): [string, number, number] {
  const [format, width, height] = execFileSync("identify", ["-format", "%m %w %h", path], { encoding: "utf8" }).trim().split(" ");
  return [format!, Number(width), Number(height)];
}

function expectClose(actual: number | null | undefined, expected: number, tolerance: number) {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(tolerance);
}

describe("plugin contract: the dataset plugin depends on raster-source", () => {
  const codeOf = (make: () => unknown) => {
    try {
      make();
    } catch (error) {
      return error instanceof AppError ? [error.code, error.message] : ["not an AppError", String(error)];
    }
    return null;
  };

  it("refuses the dataset plugin without raster-source (PLUGIN_MISSING_DEPENDENCY) and listed before it (PLUGIN_DEPENDENCY_ORDER)", () => {
    expect(codeOf(() => new PluginRegistry([datasetPlugin()]))).toEqual([
      "PLUGIN_MISSING_DEPENDENCY",
      "Plugin 'dataset' needs plugin 'raster-source', which is not registered: add the 'raster-source' plugin to the list, before 'dataset'",
    ]);
    expect(codeOf(() => new PluginRegistry([datasetPlugin(), rasterSourcePlugin()]))).toEqual([
      "PLUGIN_DEPENDENCY_ORDER",
      "Plugin 'dataset' needs plugin 'raster-source', which is registered after it: list 'raster-source' before 'dataset' (migrations, init and routes run in list order)",
    ]);
    expect(codeOf(() => new PluginRegistry([rasterSourcePlugin(), datasetPlugin()]))).toBeNull();
  });
});

describe("GeoNode upload of GeoTIFFs: Datasets of subtype raster through raster-source's engine", () => {
  let db: Database;
  let app: Express;
  let pipeline: Pipeline & { root: string };
  let auth: Record<string, string>;

  beforeAll(async () => {
    ({ db, app, pipeline } = await createTestApp({ plugins: [rasterSourcePlugin(), datasetPlugin()] }));
    ({ auth } = await userWithKey(db, "qgis-raster"));
  });
  afterAll(async () => {
    await db.close();
  });

  it.each([
    ["rd_f4_nodata-9999.tif", 28992],
    ["wgs84_u1_mask.tif", 4326],
    ["utm31n_u2_cog.tif", 32631],
  ])("takes %s as base_file + tif_file and its dataset equals gdalinfo's (EPSG:%i)", async (name, epsg) => {
    const { path, info } = gdalinfo(name);
    const outcome = await qgisUpload(app, auth, { title: `Raster ${name}`, main: path, sidecars: [["tif_file", path]], allowPublicAccess: false });
    expect([outcome.uploadStatus, outcome.error, outcome.ok]).toEqual([201, null, true]);
    const { resources } = (outcome.last as { request: { output_params: { resources: { id: number }[] } } }).request.output_params;
    const dataset = await db.prisma.dataset.findUniqueOrThrow({
      where: { resource_id: resources[0]!.id },
      include: { resource: true, attribute_set: { orderBy: { display_order: "asc" } } },
    });

    expect(info.stac?.["proj:epsg"]).toBe(epsg);
    const stem = name.replace(/\.tif$/, "").toLowerCase().replace(/[^a-z0-9_]+/g, "_");
    expect(dataset).toMatchObject({ subtype: "raster", srid: `EPSG:${epsg}`, format: "GTiff", alternate: `geonode:${stem}`, feature_count: null, geometry_type: null });
    expect(dataset.resource).toMatchObject({ type: "dataset", name: `Raster ${name}` });

    const { lowerLeft, upperRight } = info.cornerCoordinates;
    [dataset.bbox_x0, dataset.bbox_y0, dataset.bbox_x1, dataset.bbox_y1].forEach((v, i) => expectClose(v, [...lowerLeft, ...upperRight][i]!, 1e-9 * Math.max(1, Math.abs(v ?? 0))));
    const bounds = truth.find((t) => t.file === name)!.spatial_bounds;
    const ll = [dataset.ll_bbox_x0, dataset.ll_bbox_y0, dataset.ll_bbox_x1, dataset.ll_bbox_y1];
    [bounds.west, bounds.south, bounds.east, bounds.north].forEach((v, i) => expectClose(ll[i], v, 1e-6));
    // gdalinfo's own WGS84 extent (7 decimals) agrees too.
    const ring = info.wgs84Extent.coordinates[0]!;
    const lons = ring.map((p) => p[0]);
    const lats = ring.map((p) => p[1]);
    [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)].forEach((v, i) => expectClose(ll[i], v, 1e-6));

    // attribute_set: one attribute per band, typed as GeoNode types coverage bands, with gdalinfo -stats' numbers.
    expect(dataset.attribute_set.map((a) => [a.attribute, a.attribute_type])).toEqual(info.bands.map((b) => [bandName(b.band, info.bands.length), RASTER_ATTRIBUTE_TYPE]));
    for (const [i, band] of info.bands.entries()) {
      const stats = band.metadata[""];
      const attribute = dataset.attribute_set[i]!;
      for (const [ours, gdal] of [[attribute.min, "MINIMUM"], [attribute.max, "MAXIMUM"], [attribute.average, "MEAN"], [attribute.stddev, "STDDEV"]] as const) {
        const expected = Number(stats[`STATISTICS_${gdal}`]);
        expectClose(Number(ours), expected, 1e-9 * Math.max(1, Math.abs(expected)));
      }
      expectClose((100 * attribute.count) / (info.size[0] * info.size[1]), Number(stats.STATISTICS_VALID_PERCENT), 0.005);
    }

    // The thumbnail: a PNG of the raster's aspect, 256 px on its longer side (or the raster's size when smaller).
    expect(dataset.thumbnail_key).toMatch(/dataset-thumbnail\.png$/);
    const thumbnail = join(pipeline.root, dataset.thumbnail_key!);
    expect(existsSync(thumbnail)).toBe(true);
    const [w, h] = info.size;
    const scale = Math.min(1, 256 / Math.max(w, h));
    expect(identify(thumbnail)).toEqual(["PNG", Math.round(w * scale), Math.round(h * scale)]);

    const detail = await request(app).get(`/api/v2/datasets/${dataset.resource_id}`).set(auth);
    expect(detail.status).toBe(200);
    expect(detail.body.dataset).toMatchObject({ pk: String(dataset.resource_id), subtype: "raster", srid: `EPSG:${epsg}`, alternate: `geonode:${stem}` });
    // GeoNode's ll_bbox_polygon: the WGS84 box as a closed ring, the same corners gdaltransform gives.
    const polygon = detail.body.dataset.ll_bbox_polygon as { type: string; coordinates: [number, number][][] };
    expect(polygon.type).toBe("Polygon");
    const lonsOut = polygon.coordinates[0]!.map((p) => p[0]);
    const latsOut = polygon.coordinates[0]!.map((p) => p[1]);
    [Math.min(...lonsOut), Math.min(...latsOut), Math.max(...lonsOut), Math.max(...latsOut)].forEach((v, i) => expectClose(v, [bounds.west, bounds.south, bounds.east, bounds.north][i]!, 1e-6));
    const served = detail.body.dataset.attribute_set as { attribute: string; attribute_type: string }[];
    expect(served.map((a) => [a.attribute, a.attribute_type])).toEqual(info.bands.map((b) => [bandName(b.band, info.bands.length), RASTER_ATTRIBUTE_TYPE]));
    const core = await request(app).get(`/resources/${dataset.resource_id}`).set(auth);
    expect(core.body.data.attributes).toMatchObject({ subtype: "raster", srid: `EPSG:${epsg}` });
  });

  it.each([
    ["not_a_tiff.tif", /image\/tiff/],
    ["no_georef.tif", /not georeferenced/],
    ["corrupt_truncated.tif", /beyond the end of the file|truncated/i],
  ])("ends %s failed with the reason in request.log, leaving no dataset and no thumbnail", async (name, reason) => {
    const path = tmp.file(name);
    copyFileSync(join(FIXTURES, name), path);
    const before = await db.prisma.dataset.count();
    const outcome = await qgisUpload(app, auth, { main: path, sidecars: [["tif_file", path]], allowPublicAccess: false });
    expect(outcome.uploadStatus).toBe(201);
    expect(outcome.polls.at(-1)).toEqual({ http: 200, status: "failed" });
    expect(outcome.error).toMatch(/^Upload failed on the GeoNode server: /);
    expect(outcome.error).toMatch(reason);
    expect(await db.prisma.dataset.count()).toBe(before);
    const sha = execFileSync("sha256sum", [path], { encoding: "utf8" }).split(" ")[0]!;
    expect((await filesUnder(pipeline.root)).filter((f) => f.includes(sha) && f.endsWith(".png"))).toEqual([]);
  });
});
