import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { LocalDiskStorage } from "@assets/core";
import { probeImage } from "../../processing/probe-image.js";
import { identify, makeFixtures, requireTools, type Fixtures } from "../../processing/__tests__/fixtures.js";
import { DerivativeMaker } from "../derivative-maker.js";
import { derivativeKey, derivativeMimeType } from "../derivative-key.js";
import { parseImgixParams } from "../imgix-params.js";
import { renderDerivative } from "../render-derivative.js";
import { planTransform, type SourceImage, type TransformPlan } from "../transform-plan.js";

let fixtures: Fixtures;
let root: string;
let storage: LocalDiskStorage;
let maker: DerivativeMaker;

beforeAll(async () => {
  requireTools();
  fixtures = await makeFixtures();
  root = mkdtempSync(join(tmpdir(), "image-render-"));
  storage = new LocalDiskStorage({ root });
  maker = new DerivativeMaker({ storage });
  // Quadrants: red top-left, green top-right, blue bottom-left, yellow bottom-right.
  const quadrant = (background: string) => sharp({ create: { width: 200, height: 150, channels: 3, background } }).png().toBuffer();
  const quadrants = await sharp({ create: { width: 400, height: 300, channels: 3, background: "#000000" } })
    .composite([
      { input: await quadrant("#ff0000"), left: 0, top: 0 },
      { input: await quadrant("#00ff00"), left: 200, top: 0 },
      { input: await quadrant("#0000ff"), left: 0, top: 150 },
      { input: await quadrant("#ffff00"), left: 200, top: 150 },
    ])
    .png()
    .toBuffer();
  writeFileSync(fixtures.path("quadrants.png"), quadrants);
});
afterAll(() => {
  fixtures?.dispose();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** The source facts as processing records them. */
async function sourceOf(name: string): Promise<SourceImage> {
  const probe = await probeImage(fixtures.path(name));
  if (!probe) throw new Error(`${name} is not an image`);
  return { width: probe.width, height: probe.height, pages: probe.pages, format: probe.format.format, hasAlpha: probe.hasAlpha };
}

/** Plans, renders through the derivative maker into storage (streamed) and writes the stored bytes to a file for identify. */
async function transform(name: string, query: string, accept?: string): Promise<{ plan: TransformPlan; file: string }> {
  const source = await sourceOf(name);
  const decision = planTransform(parseImgixParams(new URLSearchParams(query)), source, { accept });
  if (decision.kind !== "derivative") throw new Error(`${query} serves the original`);
  const key = derivativeKey(`sha-${name.replace(/\W/g, "-")}`, decision.plan);
  await maker.ensure(key, () => renderDerivative(fixtures.path(name), source, decision.plan), { contentType: derivativeMimeType(decision.plan) });
  const file = join(root, `out-${Math.random().toString(36).slice(2)}`);
  const chunks: Buffer[] = [];
  for await (const chunk of await storage.get(key)) chunks.push(chunk as Buffer);
  writeFileSync(file, Buffer.concat(chunks));
  return { plan: decision.plan, file };
}

/** The mean sRGB colour of an image file (alpha left out). */
async function meanOf(file: string): Promise<number[]> {
  const { channels } = await sharp(file).stats();
  return channels.slice(0, 3).map((c) => Math.round(c.mean));
}

/** ImageMagick 6 (Debian's) names every HEIF-family file HEIC; the brand in the ftyp box tells AVIF. */
function brandOf(file: string): string {
  return readFileSync(file).subarray(8, 12).toString("latin1");
}

describe("renderDerivative: output equals ImageMagick's reading of it", () => {
  it.each([
    ["large.jpg", "w=400", "JPEG", 400, 267],
    ["large.jpg", "w=300&h=300&fit=crop&fm=webp", "WEBP", 300, 300],
    ["large.jpg", "w=300&h=200&fit=fill&fm=png", "PNG", 300, 200],
    ["large.jpg", "w=100&h=300&fit=scale&fm=avif", "HEIC", 100, 300],
    ["large.jpg", "w=200&dpr=2&fm=pjpg", "JPEG", 400, 267],
    ["large.jpg", "rect=100,100,800,600&w=0.5", "JPEG", 400, 300],
    ["large.jpg", "w=160&fit=crop&ar=16:9&fm=png", "PNG", 160, 90],
    ["large.jpg", "w=200&h=200&fit=crop&crop=entropy", "JPEG", 200, 200],
    ["alpha.png", "w=32&fm=jpg", "JPEG", 32, 32],
    ["cmyk.jpg", "w=60&fm=png", "PNG", 60, 40],
    ["still.tiff", "w=15", "JPEG", 15, 10],
  ])("%s?%s is a %s of %d x %d", async (name, query, format, width, height) => {
    const { plan, file } = await transform(name, query);
    expect([plan.width, plan.height]).toEqual([width, height]);
    expect(identify(file)).toEqual([{ format, width, height }]);
  });

  it("writes AVIF (an ftyp brand 'avif') or WebP for auto=format as Accept allows", async () => {
    const avif = (await transform("large.jpg", "w=100&auto=format", "image/avif,image/webp")).file;
    expect(identify(avif)).toEqual([{ format: "HEIC", width: 100, height: 67 }]);
    expect(brandOf(avif)).toBe("avif");
    expect(identify((await transform("large.jpg", "w=100&auto=format", "image/webp")).file)[0]!.format).toBe("WEBP");
  });

  it("transforms an EXIF-rotated photo in its displayed orientation", async () => {
    const { file } = await transform("photo.jpg", "w=150");
    expect(identify(file)).toEqual([{ format: "JPEG", width: 150, height: 200 }]);
    expect(execFileSync("exiftool", ["-s3", "-Orientation", "-n", file], { encoding: "utf8" }).trim()).toBe("");
  });

  it("keeps every frame of an animation for WebP and GIF", async () => {
    const webp = identify((await transform("animated.gif", "w=20&fm=webp")).file);
    expect(webp).toEqual([0, 1, 2].map(() => ({ format: "WEBP", width: 20, height: 15 })));
    expect(identify((await transform("animated.webp", "w=20&h=20&fit=crop&fm=gif")).file)).toHaveLength(3);
    expect(identify((await transform("animated.gif", "w=20&fm=png")).file)).toEqual([{ format: "PNG", width: 20, height: 15 }]);
  });

  it("renders an SVG at the requested size, not scaled up from its intrinsic one", async () => {
    const { file } = await transform("drawing.svg", "w=1200");
    expect(identify(file)).toEqual([{ format: "PNG", width: 1200, height: 600 }]);
    expect(await meanOf(file)).toEqual([0, 0, 255]);
  });

  it("crops around the focal point", async () => {
    const yellow = await meanOf((await transform("quadrants.png", "w=50&h=50&fit=crop&fp-x=0.9&fp-y=0.9&fp-z=4")).file);
    expect(yellow).toEqual([255, 255, 0]);
    const green = await meanOf((await transform("quadrants.png", "w=50&h=50&fit=crop&crop=focalpoint&fp-x=0.8&fp-y=0.2&fp-z=4")).file);
    expect(green).toEqual([0, 255, 0]);
  });

  it("crops by gravity and by rect", async () => {
    // A 1:3 box of the 400 x 300 image is 100 x 300: the left one is half red, half blue.
    const left = await meanOf((await transform("quadrants.png", "w=20&h=60&fit=crop&crop=left&fm=png")).file);
    left.forEach((value, i) => expect(Math.abs(value - [127.5, 0, 127.5][i]!)).toBeLessThanOrEqual(1));
    // A 4:1 box is 400 x 100: at the bottom, all of it in the blue and yellow half.
    const bottom = await meanOf((await transform("quadrants.png", "w=40&h=10&fit=crop&crop=bottom&fm=png")).file);
    bottom.forEach((value) => expect(Math.abs(value - 127.5)).toBeLessThanOrEqual(1));
    expect(await meanOf((await transform("quadrants.png", "rect=200,0,200,150&fm=png")).file)).toEqual([0, 255, 0]);
  });

  it("puts a transparent image on white for JPEG", async () => {
    const [r, g, b] = await meanOf((await transform("alpha.png", "w=16&fm=jpg&q=100")).file);
    // #00640a at alpha 128/255 over white.
    const over = (c: number) => Math.round(c * (128 / 255) + 255 * (1 - 128 / 255));
    expect(Math.abs(r! - over(0))).toBeLessThanOrEqual(3);
    expect(Math.abs(g! - over(100))).toBeLessThanOrEqual(3);
    expect(Math.abs(b! - over(10))).toBeLessThanOrEqual(3);
  });
});
