/**
 * Image delivery through the whole server (issue 16 section 5): images uploaded through the
 * pipeline, then fetched at `/datocms/assets/<id>/<filename>` with imgix parameters. Sizes and
 * formats are what ImageMagick's identify reads from the answer; the original's ETag is
 * sha256sum's digest of the file.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Express } from "express";
import request from "supertest";
import type { Database, Pipeline } from "@assets/core";
import { DerivativeMaker, imageAssetPlugin } from "@assets/image-asset";
import type { Fixtures } from "../plugins/image-asset/src/processing/__tests__/fixtures.js";
import { userWithKey } from "./helpers/app.js";
import { serveImages, type ImageTestServer } from "./helpers/image-assets.js";
import { coreutilsDigests, filesUnder } from "./helpers/pipeline.js";

let server: ImageTestServer;
let fixtures: Fixtures;
let db: Database;
let app: Express;
let pipeline: Pipeline & { root: string };
let owner: Record<string, string>;
let stranger: Record<string, string>;
let maker: DerivativeMaker | undefined;
let dir: string;

// The test keeps the router's maker to count its renders.
const plugin = imageAssetPlugin({ delivery: { maker: (storage) => (maker = new DerivativeMaker({ storage })), limits: { maxOutputSide: 3000 } } });

beforeAll(async () => {
  server = await serveImages(plugin);
  ({ fixtures, db, app, pipeline, auth: owner } = server);
  ({ auth: stranger } = await userWithKey(db, "stranger"));
  dir = mkdtempSync(join(tmpdir(), "image-delivery-"));
}, 120_000);
afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Uploads a fixture as an image asset and returns its committed ImageAsset row. */
async function uploadAsset(name: string, fields: Record<string, string> = {}) {
  const { done, row } = await server.upload(name, fields);
  expect(done.attributes.state).toBe("committed");
  return db.prisma.imageAsset.findFirstOrThrow({ where: { resource_id: row.resource_id! } });
}

const get = (path: string, query = "", auth: Record<string, string> = owner) =>
  request(app).get(`/datocms/assets${path}${query ? `?${query}` : ""}`).set(auth).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("end", () => done(null, Buffer.concat(chunks)));
  });

/** ImageMagick's reading of bytes: format, width, height of the first frame, and the frame count. */
function identify(bytes: Buffer): { format: string; width: number; height: number; frames: number } {
  const path = join(dir, `answer-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, bytes);
  const lines = execFileSync("identify", ["-format", "%m %w %h\n", path], { encoding: "utf8" }).trim().split("\n");
  const [format, width, height] = lines[0]!.split(" ");
  return { format: format!, width: Number(width), height: Number(height), frames: lines.length };
}

/** The mean colour of an image as ImageMagick measures it, 0-255 per channel. */
function meanColour(bytes: Buffer): number[] {
  const path = join(dir, `colour-${Math.random().toString(36).slice(2)}`);
  writeFileSync(path, bytes);
  const out = execFileSync("convert", [path, "-resize", "1x1!", "-depth", "8", "txt:-"], { encoding: "utf8" });
  const match = /\((\d+),(\d+),(\d+)/.exec(out.split("\n")[1]!);
  return [Number(match![1]), Number(match![2]), Number(match![3])];
}

describe("GET /datocms/assets/:id/:filename", () => {
  let photo: Awaited<ReturnType<typeof uploadAsset>>;

  beforeAll(async () => {
    photo = await uploadAsset("large.jpg");
  }, 120_000);

  it("serves the original to its owner, with sha256sum's digest as a strong ETag, and 304 on a match", async () => {
    const res = await get(photo.path);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("image/jpeg");
    expect(res.headers.etag).toBe(`"${coreutilsDigests(fixtures.path("large.jpg")).sha256}"`);
    expect(res.headers["cache-control"]).toBe("private, max-age=86400");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect((res.body as Buffer).equals(readFileSync(fixtures.path("large.jpg")))).toBe(true);
    const again = await request(app).get(`/datocms/assets${photo.path}`).set(owner).set("If-None-Match", res.headers.etag!);
    expect(again.status).toBe(304);
  });

  it("hides a Private asset from others (404), and serves a Public one to anyone with a public Cache-Control", async () => {
    expect((await get(photo.path, "", stranger)).status).toBe(404);
    expect((await get(photo.path, "w=100", {})).status).toBe(404);
    expect((await get(`/${photo.path.split("/")[1]}/other-name.jpg`)).status).toBe(404);
    await db.prisma.resource.update({ where: { id: photo.resource_id }, data: { access_modifier: "Public" } });
    try {
      const res = await get(photo.path, "w=100", {});
      expect(res.status).toBe(200);
      expect(res.headers["cache-control"]).toBe("public, max-age=86400");
    } finally {
      await db.prisma.resource.update({ where: { id: photo.resource_id }, data: { access_modifier: "Private" } });
    }
  });

  it("makes a derivative once, stores it under the source's derivatives, and answers 304 to its ETag", async () => {
    const before = maker!.load.rendered;
    const res = await get(photo.path, "w=400&fm=webp");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("image/webp");
    expect(identify(res.body as Buffer)).toMatchObject({ format: "WEBP", width: 400, height: 267 });
    expect(res.headers.etag).toMatch(/^"[0-9a-f]{40}"$/);
    const stored = (await filesUnder(pipeline.root)).filter((f) => f.startsWith(`derivatives/${photo.sha256}/`) && f.endsWith(".webp"));
    expect(stored).toContainEqual(expect.stringMatching(new RegExp(`${res.headers.etag!.slice(1, -1)}\\.webp$`)));
    // The same output spelt another way is the same stored derivative.
    const same = await get(photo.path, "w=200&dpr=2&fm=webp");
    expect(same.headers.etag).toBe(res.headers.etag);
    expect(maker!.load.rendered).toBe(before + 1);
    const cached = await request(app).get(`/datocms/assets${photo.path}?fm=webp&w=400`).set(owner).set("If-None-Match", res.headers.etag!);
    expect(cached.status).toBe(304);
    expect(maker!.load.rendered).toBe(before + 1);
  });

  it("renders once for concurrent requests of one derivative", async () => {
    const before = maker!.load.rendered;
    const answers = await Promise.all(Array.from({ length: 6 }, () => get(photo.path, "w=321&h=321&fit=crop&fm=png")));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.headers.etag)).size).toBe(1);
    expect(identify(answers[0]!.body as Buffer)).toMatchObject({ format: "PNG", width: 321, height: 321 });
    expect(maker!.load.rendered).toBe(before + 1);
  });

  it("applies fit, rect, dpr, q and fm as imgix does", async () => {
    expect(identify((await get(photo.path, "w=300&h=300&fit=max")).body as Buffer)).toMatchObject({ format: "JPEG", width: 300, height: 200 });
    expect(identify((await get(photo.path, "w=300&h=300&fit=scale")).body as Buffer)).toMatchObject({ width: 300, height: 300 });
    expect(identify((await get(photo.path, "w=300&h=300&fit=fill&fm=png")).body as Buffer)).toMatchObject({ format: "PNG", width: 300, height: 300 });
    expect(identify((await get(photo.path, "w=300&h=100&fit=min")).body as Buffer)).toMatchObject({ width: 300, height: 100 });
    expect(identify((await get(photo.path, "w=5000&fit=max")).body as Buffer)).toMatchObject({ width: 2400, height: 1600 });
    expect(identify((await get(photo.path, "rect=100,100,200,50")).body as Buffer)).toMatchObject({ width: 200, height: 50 });
    expect(identify((await get(photo.path, "w=100&dpr=2.5&q=40")).body as Buffer)).toMatchObject({ width: 250, height: 167 });
  });

  it("picks AVIF or WebP from Accept for auto=format, saying Vary: Accept", async () => {
    const avif = await get(photo.path, "w=120&auto=format").set("Accept", "image/avif,image/webp,*/*");
    expect(avif.headers["content-type"]).toBe("image/avif");
    expect(avif.headers.vary).toMatch(/Accept/);
    // This ImageMagick reads AVIF with its HEIC coder; the ISO-BMFF major brand says which it is.
    expect(identify(avif.body as Buffer)).toMatchObject({ format: expect.stringMatching(/^(AVIF|HEIC)$/), width: 120 });
    expect((avif.body as Buffer).subarray(4, 12).toString("latin1")).toBe("ftypavif");
    const webp = await get(photo.path, "w=120&auto=format").set("Accept", "image/webp,*/*");
    expect(webp.headers["content-type"]).toBe("image/webp");
    const plain = await get(photo.path, "w=120&auto=format").set("Accept", "*/*");
    expect(plain.headers["content-type"]).toBe("image/jpeg");
  });

  it("crops around the asset's focal point, and fp-x/fp-y override it", async () => {
    // halves.png: left half red, right half blue; focal point in the red half.
    const halves = await uploadAsset("halves.png", {
      default_field_metadata: JSON.stringify({ en: { alt: "halves", title: null, custom_data: {}, focal_point: { x: 0.1, y: 0.5 } } }),
    });
    const red = meanColour((await get(halves.path, "w=16&h=48&fit=crop&crop=focalpoint")).body as Buffer);
    expect(red[0]).toBeGreaterThan(240);
    expect(red[2]).toBeLessThan(15);
    const blue = meanColour((await get(halves.path, "w=16&h=48&fit=crop&crop=focalpoint&fp-x=0.9&fp-y=0.5")).body as Buffer);
    expect(blue[2]).toBeGreaterThan(240);
    expect(blue[0]).toBeLessThan(15);
  });

  it("keeps every frame of an animation for WebP, as identify counts them", async () => {
    const animated = await uploadAsset("animated.gif");
    expect(identify((await get(animated.path, "w=20&fm=webp")).body as Buffer)).toMatchObject({ format: "WEBP", width: 20, frames: 3 });
  });

  it("answers a bad parameter or a forbidden combination with a 400 naming the parameter, rendering nothing", async () => {
    const before = maker!.load.rendered;
    for (const [query, parameter] of [
      ["fit=bogus", "fit"],
      ["w=-3", "w"],
      ["w=4000", "w"],
      ["crop=focalpoint", "crop"],
      ["fp-x=0.5&fit=max", "fp-x"],
      ["rect=9000,0,10,10", "rect"],
      ["fm=bmp", "fm"],
      ["q=101", "q"],
    ] as const) {
      const res = await request(app).get(`/datocms/assets${photo.path}?${query}`).set(owner);
      expect([query, res.status]).toEqual([query, 400]);
      // DatoCMS's error shape, naming the parameter.
      expect(res.body.data[0]).toMatchObject({ type: "api_error", attributes: { details: { parameter } } });
    }
    expect(maker!.load.rendered).toBe(before);
  });

  it("serves a file that is not an image as it is, refusing transforms", async () => {
    const pdf = await uploadAsset("document.pdf");
    expect(pdf.is_image).toBe(false);
    const res = await get(pdf.path);
    expect(res.status).toBe(200);
    expect((res.body as Buffer).equals(readFileSync(fixtures.path("document.pdf")))).toBe(true);
    expect(res.headers["content-security-policy"]).toMatch(/sandbox/);
    const refused = await request(app).get(`/datocms/assets${pdf.path}?w=100`).set(owner);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain("not an image");
  });
});
