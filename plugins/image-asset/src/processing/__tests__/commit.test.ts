/** The commit hook against a real database (PGlite, or PostgreSQL with DATABASE_URL), fed by the analysis step. */
import { execFileSync } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { type Database, LocalDiskStorage, type ProcessorContext, type Upload, UnrecoverableError, createTestDatabase } from "@assets/core";
import { imageAssetPlugin } from "../../image-asset-plugin.js";
import { imageAssetAttributes } from "../../model/image-asset-attributes.js";
import { commitImageUpload } from "../commit.js";
import { IMAGE_ANALYSIS, imageAnalysisProcessor } from "../image-processor.js";
import { exiftool, makeFixtures, requireTools, type Fixtures } from "./fixtures.js";

const log = pino({ level: "silent" });
let fixtures: Fixtures;
let root: string;
let storage: LocalDiskStorage;
let db: Database;
let uploaderId: number;

beforeAll(async () => {
  requireTools();
  fixtures = await makeFixtures();
  root = mkdtempSync(join(tmpdir(), "image-commit-"));
  storage = new LocalDiskStorage({ root });
  db = await createTestDatabase({ plugins: [imageAssetPlugin()] });
  uploaderId = (await db.prisma.user.create({ data: { username: "uploader" } })).id;
});
afterAll(async () => {
  await db?.close();
  fixtures?.dispose();
  if (root) rmSync(root, { recursive: true, force: true });
});

let count = 0;
/** Stores the fixture, creates its Upload row, runs the analysis step and commits as the runner does. */
async function ingest(name: string, options: { metadata?: Record<string, unknown>; resourceId?: number } = {}) {
  count += 1;
  const key = `objects/commit/${count}-${name}`;
  const { size } = await storage.put(key, createReadStream(fixtures.path(name)));
  const upload: Upload = await db.prisma.upload.create({
    data: {
      filename: name, type: "image_asset", state: "processing", size: BigInt(size), storage_key: key, sha256: `sha-${count}`,
      mime_type: name.endsWith(".pdf") ? "application/pdf" : null, uploader_id: uploaderId,
      resource_id: options.resourceId ?? null, metadata: (options.metadata ?? {}) as object,
    },
  });
  const ctx: ProcessorContext = {
    upload,
    file: { key, size, open: () => storage.get(key), openRange: (s, e) => storage.getRange(key, s, e), read: (o, l) => storage.read(key, o, l) },
    storage, db: db.prisma, log, results: {}, progress: async () => undefined,
  };
  const results = { [IMAGE_ANALYSIS]: await imageAnalysisProcessor().run(ctx, new AbortController().signal) };
  const outcome = await db.prisma.$transaction((tx) => commitImageUpload(tx, { upload, results, log }));
  const resourceId = (outcome as { resourceId: number }).resourceId;
  await db.prisma.upload.update({ where: { id: upload.id }, data: { state: "committed", resource_id: resourceId } });
  return { upload, resourceId };
}

const assetOf = (resourceId: number) =>
  db.prisma.resource.findUniqueOrThrow({ where: { id: resourceId }, include: { image_asset: true } });

const md5sum = (name: string) => execFileSync("md5sum", [fixtures.path(name)], { encoding: "utf8" }).split(" ")[0];

describe("commitImageUpload", () => {
  it("writes an image's facts and the client's attributes as a Resource of type image_asset", async () => {
    const focal = { en: { alt: "A blue photo", title: null, custom_data: { shoot: 7 }, focal_point: { x: 0.25, y: 0.75 } } };
    const { upload, resourceId } = await ingest("photo.jpg", { metadata: { tags: ["cats", "blue", "cats"], notes: "Nyan", default_field_metadata: focal } });
    const resource = await assetOf(resourceId);
    const truth = exiftool(fixtures.path("photo.jpg"));
    expect(resource).toMatchObject({ type: "image_asset", name: "photo.jpg", owner_id: uploaderId, tags: ["cats", "blue"] });
    expect(resource.image_asset).toMatchObject({
      path: `/${upload.uuid}/photo.jpg`, basename: "photo", filename: "photo.jpg", md5: md5sum("photo.jpg"),
      is_image: true, format: "jpg", mime_type: "image/jpeg", width: 300, height: 400, frame_count: 1,
      resolution: "small", orientation: "portrait", notes: "Nyan", author: truth.Artist, copyright: truth.Copyright,
      default_field_metadata: focal, upload_collection_id: null, thumbnail_key: "derivatives/sha-1/thumbnail-400.webp",
    });
    expect(resource.image_asset!.size).toBe(BigInt(truth.FileSize as number));
    expect(resource.image_asset!.exif_info).toMatchObject({ model: truth.Model, iso: truth.ISO });
  });

  it("renders DatoCMS's upload attributes from the row", async () => {
    const { resourceId } = await ingest("solid.png");
    const attributes = imageAssetAttributes((await assetOf(resourceId)).image_asset!);
    expect(attributes).toMatchObject({ width: 50, height: 40, format: "png", is_image: true, colors: [{ red: 200, green: 50, blue: 20, alpha: 255 }], smart_tags: [] });
    expect(typeof attributes.size).toBe("number");
    expect(attributes.blurhash).toEqual(expect.any(String));
    expect(attributes.thumbhash).toEqual(expect.any(String));
  });

  it("keeps a file that is not an image as a plain asset", async () => {
    const { resourceId } = await ingest("document.pdf");
    expect((await assetOf(resourceId)).image_asset).toMatchObject({
      is_image: false, format: "pdf", mime_type: "application/pdf", width: null, height: null, blurhash: null, thumbnail_key: null, md5: md5sum("document.pdf"),
    });
  });

  it("lets the client's author win over the file's", async () => {
    const { resourceId } = await ingest("photo.jpg", { metadata: { author: "Grace Hopper", copyright: null } });
    expect((await assetOf(resourceId)).image_asset).toMatchObject({ author: "Grace Hopper", copyright: null });
  });

  it("replaces the file of the asset an upload names, keeping the attributes it does not give", async () => {
    const { resourceId } = await ingest("photo.jpg", { metadata: { notes: "first", tags: ["a"] } });
    const { upload } = await ingest("large.jpg", { resourceId, metadata: { tags: ["b"] } });
    const resource = await assetOf(resourceId);
    expect(resource.tags).toEqual(["b"]);
    expect(resource.image_asset).toMatchObject({ width: 2400, height: 1600, filename: "large.jpg", path: `/${upload.uuid}/large.jpg`, notes: "first", md5: md5sum("large.jpg") });
    expect(await db.prisma.imageAsset.count({ where: { resource_id: resourceId } })).toBe(1);
  });

  it("puts the asset in the collection it names, and refuses one that does not exist", async () => {
    const collection = await db.prisma.uploadCollection.create({ data: { label: "Cats" } });
    const { resourceId } = await ingest("solid.png", { metadata: { upload_collection_id: collection.id } });
    expect((await assetOf(resourceId)).image_asset!.upload_collection_id).toBe(collection.id);
    await expect(ingest("solid.png", { metadata: { upload_collection_id: collection.id + 1000 } })).rejects.toThrow(`Upload collection ${collection.id + 1000} does not exist`);
  });

  it.each([
    [{ tags: "cats" }, "tags must be a list of strings"],
    [{ notes: 5 }, "notes must be a string or null"],
    [{ default_field_metadata: { en: { focal_point: { x: 2, y: 0.5 } } } }, "default_field_metadata.en.focal_point.x must be a number from 0 to 1"],
    [{ upload_collection_id: "x" }, "upload_collection_id must be a positive integer or null"],
  ])("rejects bad client attributes %j, naming them", async (metadata, message) => {
    const error = await ingest("solid.png", { metadata }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe(message);
  });

  it("refuses to replace the file of a resource of another type", async () => {
    const other = await db.prisma.resource.create({ data: { type: "raster_source", name: "dem" } });
    await expect(ingest("solid.png", { resourceId: other.id })).rejects.toThrow(`Resource ${other.id} is a raster_source, not an image asset`);
  });
});
