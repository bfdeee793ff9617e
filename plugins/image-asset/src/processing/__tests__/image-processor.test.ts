import { execFileSync } from "node:child_process";
import { createReadStream, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import sharp from "sharp";
import { type Db, LocalDiskStorage, type ProcessorContext, type Upload } from "@assets/core";
import { ImageRejectedError } from "../../errors.js";
import { imageAnalysisProcessor, type ImageAnalysisResult } from "../image-processor.js";
import { thumbnailKey } from "../thumbnail.js";
import { makeFixtures, requireTools, type Fixtures } from "./fixtures.js";

let fixtures: Fixtures;
let root: string;
let spoolDir: string;
let storage: LocalDiskStorage;

beforeAll(async () => {
  requireTools();
  fixtures = await makeFixtures();
  root = mkdtempSync(join(tmpdir(), "image-processor-"));
  spoolDir = join(root, "spool");
  execFileSync("mkdir", ["-p", spoolDir]);
  storage = new LocalDiskStorage({ root: join(root, "storage") });
});
afterAll(() => {
  fixtures?.dispose();
  if (root) rmSync(root, { recursive: true, force: true });
});

function upload(name: string): Upload {
  const now = new Date();
  return {
    id: 1, uuid: "00000000-0000-4000-8000-00000000000a", resource_id: null, type: "image_asset", filename: name,
    mime_type: null, size: null, md5: null, sha256: `sha-of-${name.replace(/\W/g, "-")}`, storage_key: null,
    state: "processing", state_detail: "", attempts: 1, uploader_id: null, metadata: {}, idempotency_key: null,
    claim_token: null, lease_expires_at: null, next_attempt_at: null, created_at: now, updated_at: now, expires_at: null,
  };
}

/** Stores a fixture and runs the processor over it as the pipeline would. */
async function run(name: string): Promise<ImageAnalysisResult> {
  const key = `objects/test/${name}`;
  const { size } = await storage.put(key, createReadStream(fixtures.path(name)));
  const ctx: ProcessorContext = {
    upload: upload(name),
    file: {
      key,
      size,
      open: () => storage.get(key),
      openRange: (start, end) => storage.getRange(key, start, end),
      read: (offset, length) => storage.read(key, offset, length),
    },
    storage,
    db: {} as Db,
    log: pino({ level: "silent" }),
    results: {},
    progress: async () => undefined,
  };
  return (await imageAnalysisProcessor({ tmpDir: spoolDir }).run(ctx, new AbortController().signal)) as ImageAnalysisResult;
}

const md5sum = (path: string) => execFileSync("md5sum", [path], { encoding: "utf8" }).split(" ")[0];

describe("imageAnalysisProcessor", () => {
  it("returns the image facts with the streamed MD5 and stores a WebP thumbnail", async () => {
    const result = await run("large.jpg");
    expect(result).toMatchObject({ is_image: true, format: "jpg", width: 2400, height: 1600, md5: md5sum(fixtures.path("large.jpg")) });
    if (!result.is_image) throw new Error("expected an image");
    expect(result.thumbnail.key).toBe(thumbnailKey(upload("large.jpg")));
    const stored = await sharp(await streamToBuffer(await storage.get(result.thumbnail.key))).metadata();
    expect([stored.format, stored.width, stored.height]).toEqual(["webp", result.thumbnail.width, result.thumbnail.height]);
    // 400 on the long side; the short side is made from the working copy, so within a pixel of 2400:1600.
    expect(result.thumbnail.width).toBe(400);
    expect(Math.abs(result.thumbnail.height - (400 * 1600) / 2400)).toBeLessThanOrEqual(1);
  });

  it("passes a file that is not an image with its MD5 and size", async () => {
    const result = await run("document.pdf");
    expect(result).toEqual({ is_image: false, md5: md5sum(fixtures.path("document.pdf")), size: expect.any(Number) });
  });

  it.each([
    ["bomb.png", "IMAGE_TOO_LARGE"],
    ["truncated.jpg", "IMAGE_CORRUPT"],
    ["bad-crc.png", "IMAGE_CORRUPT"],
  ])("rejects %s as unrecoverable and leaves nothing behind", async (name, code) => {
    const error = await run(name).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ImageRejectedError);
    expect((error as ImageRejectedError).code).toBe(code);
    expect(await storage.exists(thumbnailKey(upload(name)))).toBe(false);
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it("removes its local copy after a successful run too", async () => {
    await run("solid.png");
    expect(readdirSync(spoolDir)).toEqual([]);
  });
});

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
