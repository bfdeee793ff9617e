// Image processors and delivery transforms of plugins/image-asset, in-process, on a 12 MP JPEG
// (4000x3000, noise, with EXIF) made under bench/.work/images once.
// Run: node --import tsx bench/image-processing.ts [runs]
// Prints medians of: the whole analysis step (streamed local copy + MD5, probe, one decode,
// blurhash, thumbhash, palette, EXIF, stored WebP thumbnail), the bomb's rejection, a 400 px WebP
// transform uncached (spool + render + store) and cached (stored derivative, ETag known), and the
// process's peak RSS growth (getrusage maxRSS) over the analyses and the bomb.
// Issue 16's goals compare these with Directus beside it (bench/images, not written yet).
import { mkdirSync, existsSync, createReadStream, rmSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import sharp from "sharp";
import { LocalDiskStorage, type Db, type ProcessorContext, type Upload } from "@assets/core";
import { DerivativeMaker, deliverImage, imageAnalysisProcessor, probeImage, type StoredImage } from "@assets/image-asset";

const runs = Number(process.argv[2] ?? 7);
const work = path.join(path.dirname(fileURLToPath(import.meta.url)), ".work", "images");
mkdirSync(work, { recursive: true });
const photo = path.join(work, "photo-12mp.jpg");
const bomb = path.join(work, "bomb.png");

async function fixtures(): Promise<void> {
  if (!existsSync(photo)) {
    await sharp({ create: { width: 4000, height: 3000, channels: 3, background: "#808080", noise: { type: "gaussian", mean: 128, sigma: 40 } } })
      .blur(1.5)
      .jpeg({ quality: 90 })
      .withExif({ IFD0: { Make: "Bench", Model: "12MP" }, IFD2: { ISOSpeedRatings: "200", ExposureTime: "1/125", FNumber: "4/1" } })
      .toFile(photo);
  }
  if (!existsSync(bomb)) {
    const { pngBombHeader } = await import("../plugins/image-asset/src/processing/__tests__/fixtures.js");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(bomb, pngBombHeader(50_000, 50_000));
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const maxRssMiB = () => process.resourceUsage().maxRSS / 1024;

async function main(): Promise<void> {
  await fixtures();
  const root = mkdtempSync(path.join(tmpdir(), "bench-images-"));
  const storage = new LocalDiskStorage({ root });
  const processor = imageAnalysisProcessor();
  const log = pino({ level: "silent" });
  let n = 0;
  async function analyse(file: string): Promise<number> {
    n += 1;
    const key = `objects/bench/${n}`;
    const { size } = await storage.put(key, createReadStream(file));
    const now = new Date();
    const upload = { uuid: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`, sha256: null, created_at: now } as unknown as Upload;
    const ctx: ProcessorContext = {
      upload,
      file: { key, size, open: () => storage.get(key), openRange: (s, e) => storage.getRange(key, s, e), read: (o, l) => storage.read(key, o, l) },
      storage,
      db: {} as Db,
      log,
      results: {},
      progress: async () => undefined,
    };
    const start = performance.now();
    await processor.run(ctx, new AbortController().signal).catch((error: unknown) => {
      if (!(error instanceof Error && error.name === "ImageRejectedError")) throw error;
    });
    return performance.now() - start;
  }

  const before = maxRssMiB();
  await analyse(photo); // warm-up: libvips, codecs, JIT
  const baseline = maxRssMiB();
  const analysis: number[] = [];
  const bombs: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    analysis.push(await analyse(photo));
    bombs.push(await analyse(bomb));
  }
  const peak = maxRssMiB();

  const probe = (await probeImage(photo))!;
  const image = (sha: string): StoredImage => ({
    sha256: sha,
    mimeType: "image/jpeg",
    open: async () => createReadStream(photo),
    source: { width: probe.width, height: probe.height, pages: 1, format: "jpg", hasAlpha: false },
  });
  const ctx = { storage, maker: new DerivativeMaker({ storage }), cacheControl: "public" };
  const query = new URLSearchParams("w=400&fm=webp");
  const uncached: number[] = [];
  const cached: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const sha = `${i}`.padStart(64, "0");
    let start = performance.now();
    const answer = await deliverImage(image(sha), { query }, ctx);
    if (answer.status === 200) for await (const _ of await answer.body());
    uncached.push(performance.now() - start);
    start = performance.now();
    const again = await deliverImage(image(sha), { query }, ctx);
    if (again.status === 200) for await (const _ of await again.body());
    cached.push(performance.now() - start);
  }
  rmSync(root, { recursive: true, force: true });

  console.log(`runs: ${runs}; sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}; threads ${sharp.concurrency()}`);
  console.log("| what | median | min | max |");
  console.log("|---|---:|---:|---:|");
  for (const [name, values] of [
    ["12 MP JPEG, whole analysis step", analysis],
    ["50000x50000 PNG bomb, rejected", bombs],
    ["400 px WebP transform, uncached", uncached],
    ["400 px WebP transform, cached", cached],
  ] as const) {
    console.log(`| ${name} | ${ms(median(values))} | ${ms(Math.min(...values))} | ${ms(Math.max(...values))} |`);
  }
  console.log(`peak RSS: ${before.toFixed(0)} MiB before any image, ${baseline.toFixed(0)} MiB after one warm-up analysis -> ${peak.toFixed(0)} MiB after ${runs} analyses and ${runs} bombs (growth ${(peak - baseline).toFixed(0)} MiB)`);
}

await main();
