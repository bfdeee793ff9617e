/**
 * The commit hook against a real (PGlite) database, fed with the processors' results on the
 * shared fixtures; source fields are compared with GDAL's truth.json.
 */
import { type Database, type Upload, UnrecoverableError, createTestDatabase } from "@assets/core";
import { rasterSourcePlugin } from "../../index.js";
import { commitRasterUpload } from "../commit.js";
import { rasterProcessors } from "../processors.js";
import { expectClose, log, runProcessors, storeFixture, tempStorage, truthOf } from "./harness.js";

const { storage, dispose } = tempStorage();
const EPOCH = new Date("1970-01-01T00:00:00Z");
let db: Database;
let uploaderId: number;
let organisationId: number;

beforeAll(async () => {
  db = await createTestDatabase({ plugins: [rasterSourcePlugin()] });
  uploaderId = (await db.prisma.user.create({ data: { username: "uploader" } })).id;
  organisationId = (await db.prisma.organisation.create({ data: { name: "Nelen" } })).id;
});
afterAll(async () => {
  await db?.close();
  dispose();
});

/** Stores the fixture, creates its Upload row, runs the processors and commits in a transaction. */
async function ingest(fixture: string, options: { resourceId?: number; metadata?: Record<string, unknown>; statistics?: boolean } = {}) {
  const { file } = await storeFixture(storage, fixture);
  const upload: Upload = await db.prisma.upload.create({
    data: {
      filename: fixture, type: "raster_source", state: "processing", size: BigInt(file.size), storage_key: file.key,
      uploader_id: uploaderId, resource_id: options.resourceId ?? null, metadata: (options.metadata ?? {}) as object,
    },
  });
  const { results } = await runProcessors(rasterProcessors({ statistics: options.statistics }), { upload, file, storage, db: db.prisma });
  const { resourceId } = (await db.prisma.$transaction((tx) => commitRasterUpload(tx, { upload, results, log }))) as { resourceId: number };
  // As the upload runner does after the hook.
  await db.prisma.upload.update({ where: { id: upload.id }, data: { state: "committed", resource_id: resourceId } });
  return { upload, resourceId };
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(UnrecoverableError);
  return (error as Error).message;
}

const source = (resourceId: number) =>
  db.prisma.rasterSource.findUniqueOrThrow({ where: { resource_id: resourceId }, include: { resource: true, steps: { orderBy: { timestamp: "asc" } } } });

const resourceOf = async (uploadId: number) => (await db.prisma.upload.findUniqueOrThrow({ where: { id: uploadId } })).resource_id;

async function temporalSource(name: string): Promise<number> {
  const resource = await db.prisma.resource.create({ data: { type: "raster_source", name, owner_id: uploaderId, raster_source: { create: { temporal: true } } } });
  return resource.id;
}

describe("a file without a resource becomes a new raster source", () => {
  test.each(["rd_f4_nodata-9999.tif", "wgs84_u1_mask.tif", "utm31n_u2_cog.tif"])("%s: fields equal GDAL's", async (fixture) => {
    const t = truthOf(fixture);
    const { upload, resourceId } = await ingest(fixture, { metadata: { organisation_id: organisationId } });
    const s = await source(resourceId);
    expect(s.resource).toMatchObject({ type: "raster_source", name: fixture.replace(/\.tif$/, ""), owner_id: uploaderId, organisation_id: organisationId });
    expect(s).toMatchObject({
      projection: t.projection, dtype: t.dtype, fill_value: t.fill_value, width: t.width, height: t.height, band_count: t.band_count,
      size: BigInt(t.size_bytes), temporal: false, first_value_timestamp: EPOCH, last_value_timestamp: EPOCH,
    });
    for (const key of ["origin_x", "origin_y", "upper_bound_x", "upper_bound_y", "pixelsize_x", "pixelsize_y"] as const) {
      expectClose(s[key], t[key]!, { rel: 1e-9 }, key);
    }
    for (const side of ["west", "east", "north", "south"] as const) expectClose(s[side], t.spatial_bounds![side], { abs: 1e-6 }, side);
    expect(s.overviews).toEqual(t.gdal!.overviews.map(([width, height]) => ({ width, height })));
    const [stats] = s.statistics as { min: number; max: number; mean: number; stddev: number; valid_percent: number }[];
    const g = t.gdal!.stats[0]!;
    for (const key of ["min", "max", "mean", "stddev"] as const) expectClose(stats![key], g[key], { rel: 1e-9 }, key);
    expect(s.steps).toEqual([expect.objectContaining({ timestamp: null, upload_id: upload.id, storage_key: upload.storage_key, size: BigInt(t.size_bytes) })]);
  });

  test("the COG is flagged cloud-optimized, the striped files are not", async () => {
    const cog = await source((await ingest("utm31n_u2_cog.tif")).resourceId);
    const strips = await source((await ingest("rd_f4_nodata-9999.tif")).resourceId);
    expect([cog.cloud_optimized, strips.cloud_optimized]).toEqual([true, false]);
  });

  test("without the statistics step the source has no statistics", async () => {
    const s = await source((await ingest("wgs84_u1_mask.tif", { statistics: false })).resourceId);
    expect(s.statistics).toBeNull();
    expect(s.dtype).toBe("u1");
  });

  test("an unknown organisation rejects the upload", async () => {
    expect(await rejection(ingest("wgs84_u1_mask.tif", { metadata: { organisation_id: 999_999 } }))).toMatch(/Organisation 999999 does not exist/);
  });
});

describe("a non-temporal source keeps one file", () => {
  test("a new file replaces the step, the metadata and the size", async () => {
    const { upload: first, resourceId } = await ingest("rd_f4_nodata-9999.tif");
    const { upload } = await ingest("utm31n_u2_cog.tif", { resourceId });
    const s = await source(resourceId);
    expect(s.steps.map((st) => st.upload_id)).toEqual([upload.id]);
    expect(s).toMatchObject({ projection: "EPSG:32631", dtype: "u2", size: BigInt(truthOf("utm31n_u2_cog.tif").size_bytes) });
    // The replaced file's upload leaves the resource, so its owner can delete it and free the bytes.
    expect(await resourceOf(first.id)).toBeNull();
    expect(await resourceOf(upload.id)).toBe(resourceId);
  });

  // Lizard: a non-temporal source shows its data's timestamp, 1970-01-01T00:00:00Z when the data has none
  // (lizard-rastersources.txt: "grid s1-max interp." vs "mask").
  test("a timestamp is the data's: first and last value timestamp, replaced with the file", async () => {
    const { resourceId } = await ingest("rd_f4_nodata-9999.tif");
    expect(await source(resourceId)).toMatchObject({ temporal: false, first_value_timestamp: EPOCH, last_value_timestamp: EPOCH });
    await ingest("rd_f4_nodata-9999.tif", { resourceId, metadata: { timestamp: "2024-01-01T01:00:00Z" } });
    const at = new Date("2024-01-01T01:00:00Z");
    const s = await source(resourceId);
    expect(s).toMatchObject({ temporal: false, first_value_timestamp: at, last_value_timestamp: at, interval_seconds: null });
    expect(s.steps).toHaveLength(1);
    // Another grid replaces the file too (a non-temporal source has one), and without a timestamp the epoch is back.
    await ingest("utm31n_u2_cog.tif", { resourceId });
    const replaced = await source(resourceId);
    expect(replaced).toMatchObject({ projection: "EPSG:32631", first_value_timestamp: EPOCH, last_value_timestamp: EPOCH });
    expect(replaced.steps).toHaveLength(1);
  });
});

describe("a temporal source gains one step per timestamp", () => {
  const at = (hour: number) => new Date(Date.UTC(2024, 0, 1, hour)).toISOString();

  test("size, first/last timestamp and interval follow the steps", async () => {
    const resourceId = await temporalSource("radar");
    // Hours 3, 0, 1, 2 and 5 (4 missing): the interval is the regular hour, not the gap.
    for (const hour of [3, 0, 1, 2, 5]) await ingest("rd_f4_nodata-9999.tif", { resourceId, metadata: { timestamp: at(hour) } });
    const s = await source(resourceId);
    expect(s.steps.map((st) => st.timestamp!.toISOString())).toEqual([0, 1, 2, 3, 5].map(at));
    expect(s).toMatchObject({
      temporal: true, interval_seconds: 3600, first_value_timestamp: new Date(at(0)), last_value_timestamp: new Date(at(5)),
      size: BigInt(5 * truthOf("rd_f4_nodata-9999.tif").size_bytes), projection: "EPSG:28992",
    });
  });

  test("a file at an existing timestamp replaces that step", async () => {
    const resourceId = await temporalSource("replace");
    const { upload: first } = await ingest("rd_f4_nodata-9999.tif", { resourceId, metadata: { timestamp: at(0) } });
    const { upload: other } = await ingest("rd_f4_nodata-9999.tif", { resourceId, metadata: { timestamp: at(2) } });
    const { upload } = await ingest("rd_f4_nodata-9999.tif", { resourceId, metadata: { timestamp: at(0) } });
    const s = await source(resourceId);
    expect(s.steps.map((st) => st.upload_id)).toEqual([upload.id, other.id]);
    expect(s.interval_seconds).toBe(7200);
    expect([await resourceOf(first.id), await resourceOf(other.id), await resourceOf(upload.id)]).toEqual([null, resourceId, resourceId]);
  });

  test("a step with another grid, projection or dtype is rejected by the metadata step", async () => {
    const resourceId = await temporalSource("mismatch");
    await ingest("rd_f4_nodata-9999.tif", { resourceId, metadata: { timestamp: at(0) } });
    const reason = await rejection(ingest("utm31n_u2_cog.tif", { resourceId, metadata: { timestamp: at(1) } }));
    expect(reason).toMatch(/does not match .* projection EPSG:32631 instead of EPSG:28992; dtype u2 instead of f4; size 2048x2048 instead of 400x300/);
    expect((await source(resourceId)).steps).toHaveLength(1);
  });

  test("the commit re-checks the grid against steps committed after the metadata step ran", async () => {
    const resourceId = await temporalSource("race");
    const { file } = await storeFixture(storage, "wgs84_u1_mask.tif");
    const upload = await db.prisma.upload.create({
      data: { filename: "late.tif", state: "processing", storage_key: file.key, resource_id: resourceId, metadata: { timestamp: at(1) } },
    });
    const { results } = await runProcessors(rasterProcessors(), { upload, file, storage, db: db.prisma });
    await ingest("rd_f4_nodata-9999.tif", { resourceId, metadata: { timestamp: at(0) } });
    const reason = await rejection(db.prisma.$transaction((tx) => commitRasterUpload(tx, { upload, results, log })));
    expect(reason).toMatch(/projection EPSG:4326 instead of EPSG:28992/);
  });

  test("a temporal source refuses a file without timestamp", async () => {
    const resourceId = await temporalSource("needs-time");
    expect(await rejection(ingest("rd_f4_nodata-9999.tif", { resourceId }))).toMatch(/temporal: each file needs a timestamp/);
  });

  test("a new source made from a timestamped upload is temporal", async () => {
    const { resourceId } = await ingest("wgs84_u1_mask.tif", { metadata: { timestamp: at(7) } });
    expect(await source(resourceId)).toMatchObject({ temporal: true, first_value_timestamp: new Date(at(7)), last_value_timestamp: new Date(at(7)) });
  });
});
