import { createReadStream, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pino } from "pino";
import sharp from "sharp";
import { type Db, LocalDiskStorage, type ProcessorContext, type Upload } from "@assets/core";
import { datasetProcessor, datasetThumbnailKey, detectFormat, InvalidDatasetError, type DatasetSummaryResult } from "../index.js";
import { polygonCollection, tempDir, writeJson } from "./fixtures.js";
import { ogr2ogr, ogrinfoSummary } from "./ogr.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const storage = new LocalDiskStorage({ root: tmp.file("storage") });
const source = writeJson(tmp.file("parcels.geojson"), polygonCollection(150));

function upload(filename: string): Upload {
  const now = new Date();
  return {
    id: 1, uuid: "00000000-0000-4000-8000-00000000000d", resource_id: null, type: "dataset", filename,
    mime_type: null, size: null, md5: null, sha256: `sha-of-${filename.replace(/\W/g, "-")}`, storage_key: null,
    state: "processing", state_detail: "", attempts: 1, uploader_id: null, metadata: {}, idempotency_key: null,
    claim_token: null, lease_expires_at: null, next_attempt_at: null, created_at: now, updated_at: now, expires_at: null,
  };
}

/** Stores `file` and runs the step over it as the pipeline would; records the progress reported. */
async function run(file: string, filename = path.basename(file)) {
  const key = `objects/test/${filename}`;
  const { size } = await storage.put(key, createReadStream(file));
  const progress: number[] = [];
  const ctx: ProcessorContext = {
    upload: upload(filename),
    file: { key, size, open: () => storage.get(key), openRange: (s, e) => storage.getRange(key, s, e), read: (o, l) => storage.read(key, o, l) },
    storage,
    db: {} as Db,
    log: pino({ level: "silent" }),
    results: {},
    progress: async (p) => void progress.push(p),
  };
  const result = (await datasetProcessor().run(ctx, new AbortController().signal)) as DatasetSummaryResult;
  return { result, progress };
}

const derivatives = () => {
  try {
    return readdirSync(tmp.file("storage/derivatives"), { recursive: true }).length;
  } catch {
    return 0;
  }
};

describe("datasetProcessor", () => {
  it.each([
    ["GeoJSON", "parcels.geojson", () => source],
    ["a zipped Shapefile", "parcels.zip", () => (ogr2ogr(["-f", "ESRI Shapefile", "-t_srs", "EPSG:28992", tmp.file("parcels.shp.zip"), source, "-nln", "parcels"]), tmp.file("parcels.shp.zip"))],
    ["FlatGeobuf", "parcels.fgb", () => (ogr2ogr(["-f", "FlatGeobuf", tmp.file("parcels.fgb"), source]), tmp.file("parcels.fgb"))],
    ["CSV", "parcels.csv", () => (ogr2ogr(["-f", "CSV", "-lco", "GEOMETRY=AS_WKT", tmp.file("parcels.csv"), source]), tmp.file("parcels.csv"))],
    ["a GeoPackage (read in place from local disk storage)", "parcels.gpkg", () => (ogr2ogr(["-f", "GPKG", tmp.file("parcels.gpkg"), source, "-nln", "parcels"]), tmp.file("parcels.gpkg"))],
  ])("summarises %s and stores its thumbnail", async (_name, filename, make) => {
    const file = make();
    const { result, progress } = await run(file, filename);
    expect(result.summary.featureCount).toBe(ogrinfoSummary(source).featureCount);
    expect(result.summary.geometryType).toBe("Polygon");
    expect(result.thumbnail?.key).toBe(datasetThumbnailKey(upload(filename)));
    const png = await sharp(await streamToBuffer(await storage.get(result.thumbnail!.key))).metadata();
    expect([png.format, png.width, png.height]).toEqual(["png", result.thumbnail!.width, result.thumbnail!.height]);
    expect(progress.at(-1)).toBe(100);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result); // a processor result is JSON
    // Nothing beside the stored object: no SQLite journal, -wal or -shm file.
    expect(readdirSync(tmp.file("storage/objects/test")).filter((f) => f.startsWith(`${filename}-`))).toEqual([]);
  });

  it.each([
    ["GeoJSON that is not JSON", "broken.geojson", "this is { not json", "NOT_JSON"],
    ["a CSV without coordinates", "table.csv", "name,value\na,1\n", "CSV_NO_COORDINATES"],
    ["a bare .shp", "roads.shp", "\0\0\x27\x0a", "SHAPEFILE_MISSING_PART"],
    ["a GeoPackage cut to its magic", "layers.gpkg", "SQLite format 3\0", "GEOPACKAGE_INVALID"],
    ["a .gpkg that is not SQLite", "layers.gpkg", "<gpkg/>", "GEOPACKAGE_INVALID"],
  ])("rejects %s with a coded reason and stores nothing", async (_name, filename, text, code) => {
    const before = derivatives();
    const file = tmp.file(filename);
    writeFileSync(file, text);
    const error = await run(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidDatasetError);
    expect((error as InvalidDatasetError).code).toBe(code);
    expect(derivatives()).toBe(before);
  });

  it("tells formats apart by their bytes before their names", () => {
    expect(detectFormat(Buffer.from("PK\x03\x04...."), "data.geojson")).toBe("shapefile");
    expect(detectFormat(Buffer.from([0x66, 0x67, 0x62, 0x03, 0x66, 0x67, 0x62, 0x00]), "x.bin")).toBe("flatgeobuf");
    expect(detectFormat(Buffer.from('\uFEFF  {"type":'), "upload")).toBe("geojson");
    expect(detectFormat(Buffer.from("lon;lat\n"), "points.CSV")).toBe("csv");
    expect(detectFormat(Buffer.from("SQLite format 3\0"), "layers.sqlite")).toBe("geopackage");
    expect(() => detectFormat(Buffer.from("II*\0"), "dem.tif")).toThrow(/raster-source/);
    expect(() => detectFormat(Buffer.from("hello"), "notes.md")).toThrow(InvalidDatasetError);
  });
});

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
