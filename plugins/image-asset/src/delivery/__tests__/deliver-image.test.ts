import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import sharp from "sharp";
import { AppError, LocalDiskStorage } from "@assets/core";
import { makeFixtures, type Fixtures } from "../../processing/__tests__/fixtures.js";
import { deliverImage, matches, type DeliveryContext, type StoredImage } from "../deliver-image.js";
import { DerivativeMaker } from "../derivative-maker.js";

let fixtures: Fixtures;
let root: string;
let ctx: DeliveryContext;
let opens = 0;

beforeAll(async () => {
  fixtures = await makeFixtures();
  root = mkdtempSync(join(tmpdir(), "deliver-image-"));
  await mkdir(join(root, "spool"));
  const storage = new LocalDiskStorage({ root: join(root, "storage") });
  ctx = { storage, maker: new DerivativeMaker({ storage }), cacheControl: "public, max-age=31536000", tmpDir: join(root, "spool") };
});
afterAll(() => {
  fixtures?.dispose();
  if (root) rmSync(root, { recursive: true, force: true });
});

const photo = (): StoredImage => ({
  sha256: "c".repeat(64),
  mimeType: "image/jpeg",
  open: async () => {
    opens += 1;
    return createReadStream(fixtures.path("large.jpg"));
  },
  source: { width: 2400, height: 1600, pages: 1, format: "jpg", hasAlpha: false },
});

async function bytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const ask = (query: string, headers: { accept?: string; ifNoneMatch?: string } = {}) =>
  deliverImage(photo(), { query: new URLSearchParams(query), ...headers }, ctx);

describe("deliverImage", () => {
  it("serves the original, with its content hash as ETag, when nothing changes", async () => {
    const answer = await ask("");
    expect(answer.status).toBe(200);
    expect(answer.headers).toEqual({ "Cache-Control": "public, max-age=31536000", ETag: `"${"c".repeat(64)}"`, "Content-Type": "image/jpeg" });
    if (answer.status !== 200) throw new Error("not 200");
    expect((await bytes(await answer.body())).equals(readFileSync(fixtures.path("large.jpg")))).toBe(true);
  });

  it("makes a derivative once, then serves it from storage with its length", async () => {
    opens = 0;
    const first = await ask("w=300&fm=webp");
    const second = await ask("w=150&dpr=2&fm=webp");
    expect(opens).toBe(1); // the second spelling of the same output did not render again
    expect(first.headers.ETag).toBe(second.headers.ETag);
    if (first.status !== 200) throw new Error("not 200");
    const body = await bytes(await first.body());
    expect(first.headers["Content-Type"]).toBe("image/webp");
    expect(first.headers["Content-Length"]).toBe(String(body.length));
    const meta = await sharp(body).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 300, 200]);
    expect(readdirSync(join(root, "spool"))).toEqual([]);
  });

  it("answers 304 to a matching If-None-Match without rendering", async () => {
    opens = 0;
    const etag = (await ask("w=123")).headers.ETag!;
    opens = 0;
    const again = await ask("w=123", { ifNoneMatch: `W/${etag}, "other"` });
    expect(again.status).toBe(304);
    expect(opens).toBe(0);
    expect((await ask("w=124", { ifNoneMatch: etag })).status).toBe(200);
  });

  it("says Vary: Accept for auto=format", async () => {
    const answer = await ask("w=100&auto=format", { accept: "image/webp" });
    expect(answer.headers).toMatchObject({ Vary: "Accept", "Content-Type": "image/webp" });
    expect((await ask("w=100")).headers.Vary).toBeUndefined();
  });

  it("passes a bad parameter on as the 400 naming it, rendering nothing", async () => {
    opens = 0;
    const error = await ask("w=100&fit=bogus").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 400, source: { parameter: "fit" } });
    expect(opens).toBe(0);
  });

  it("rejects when the original cannot be decoded, leaving nothing stored or spooled", async () => {
    const broken: StoredImage = { ...photo(), sha256: "d".repeat(64), open: async () => createReadStream(fixtures.path("truncated.jpg")) };
    const error = await deliverImage(broken, { query: new URLSearchParams("w=50") }, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ status: 422, code: "UNPROCESSABLE" });
    expect((error as AppError).detail).toMatch(/^The image could not be transformed: .*premature end of JPEG/i);
    expect(readdirSync(join(root, "storage")).join()).not.toContain("d".repeat(64));
    expect(readdirSync(join(root, "spool"))).toEqual([]);
  });
});

describe("matches (If-None-Match)", () => {
  it("compares weakly and takes *", () => {
    expect(matches('"a"', '"a"')).toBe(true);
    expect(matches('W/"a"', '"a"')).toBe(true);
    expect(matches('"b", "a"', '"a"')).toBe(true);
    expect(matches("*", '"a"')).toBe(true);
    expect(matches('"b"', '"a"')).toBe(false);
    expect(matches(undefined, '"a"')).toBe(false);
  });
});
