/**
 * What bench/studio.ts and bench/studio-screenshots.ts share: the standalone server (embedded
 * PGlite, files in a temporary DATA_DIR, jobs in process) seeded with the demo data, assets sent
 * through its public upload API, and Debian's chromium through playwright-core.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { pino } from "pino";
import { chromium, type Browser, type Page } from "playwright-core";
import sharp from "sharp";
import { loadConfig, seedDemo, startServer, type RunningServer } from "@assets/server";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Page functions run in the browser; the bench has no DOM lib, so what they touch is declared here.
declare const localStorage: { setItem(key: string, value: string): void };

const root = fileURLToPath(new URL("..", import.meta.url));

/** Builds the studio into packages/studio/dist/app, which the server serves (as `npm start` does). */
export async function buildStudio(): Promise<void> {
  await promisify(execFile)(path.join(root, "node_modules/.bin/vite"), ["build", "--config", "packages/studio/vite.config.ts", "--logLevel", "error"], { cwd: root });
}

/** A started, seeded server and the demo admin's key. */
export interface SeededServer {
  running: RunningServer;
  url: string;
  key: string;
  close(): Promise<void>;
}

/** Starts `assets serve` in this process on a free port over a fresh embedded database. */
export async function startSeededServer(): Promise<SeededServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "assets-studio-bench-"));
  // Embedded on purpose: whatever DATABASE_URL/REDIS_URL the shell has, these runs are self-contained.
  const config = loadConfig({ DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "warn", WORKER_CONCURRENCY: "2" });
  const running = await startServer(config, pino({ level: "warn" }));
  const seed = await seedDemo(running.db);
  if (!seed.apiKey) throw new Error("the fresh database was seeded already");
  return {
    running,
    url: running.url,
    key: seed.apiKey,
    async close() {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** One file for the multipart upload API, with the asset type and tags it goes in with. */
export interface SeedFile {
  name: string;
  type: string;
  bytes: Buffer;
  assetType?: string;
  tags?: string[];
}

interface UploadAnswer {
  data: { id: string; attributes: { state: string; state_detail: string | null } };
}

/** Sends a file through `POST /uploads` (multipart) and waits until its upload is committed or rejected. */
export async function uploadFile(server: SeededServer, file: SeedFile): Promise<UploadAnswer["data"]> {
  const form = new FormData();
  if (file.assetType) form.set("type", file.assetType);
  if (file.tags?.length) form.set("tags", file.tags.join(","));
  form.set("file", new Blob([file.bytes], { type: file.type }), file.name);
  const auth = { Authorization: `Bearer ${server.key}` };
  const res = await fetch(`${server.url}/uploads`, { method: "POST", body: form, headers: auth });
  if (!res.ok) throw new Error(`upload ${file.name}: ${res.status} ${await res.text()}`);
  let upload = ((await res.json()) as UploadAnswer).data;
  while (!["committed", "rejected"].includes(upload.attributes.state)) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    upload = ((await (await fetch(`${server.url}/uploads/${upload.id}`, { headers: auth })).json()) as UploadAnswer).data;
  }
  return upload;
}

/** Sends files a few at a time (the server runs two jobs at once). */
export async function uploadAll(server: SeededServer, files: SeedFile[], parallel = 3): Promise<UploadAnswer["data"][]> {
  const results: UploadAnswer["data"][] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < files.length) {
        const i = next++;
        results[i] = await uploadFile(server, files[i]!);
      }
    }),
  );
  return results;
}

/** Creates a plain resource through `POST /resources` (no file: the grid shows its type glyph). */
export async function createResource(server: SeededServer, attributes: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${server.url}/resources`, {
    method: "POST",
    headers: { Authorization: `Bearer ${server.key}`, "Content-Type": "application/vnd.api+json" },
    body: JSON.stringify({ data: { type: "resource", attributes } }),
  });
  if (!res.ok) throw new Error(`create resource: ${res.status} ${await res.text()}`);
}

const PALETTES = [
  ["#0b3d91", "#4f8fe6", "#f2c14e"],
  ["#1b4332", "#52b788", "#d8f3dc"],
  ["#6a040f", "#e85d04", "#ffba08"],
  ["#240046", "#7b2cbf", "#e0aaff"],
  ["#003049", "#669bbc", "#fdf0d5"],
  ["#283618", "#bc6c25", "#fefae0"],
  ["#14213d", "#fca311", "#e5e5e5"],
  ["#2b2d42", "#ef233c", "#edf2f4"],
];

/**
 * A made-up landscape (sky, sun, two hills) as JPEG with camera EXIF, `index` choosing its
 * colours and layout, so a grid of them looks like a media library rather than test squares.
 */
export async function landscape(index: number, width = 960, height = 640): Promise<Buffer> {
  const [deep, mid, light] = PALETTES[index % PALETTES.length]!;
  const sunX = 15 + ((index * 37) % 70);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 100 66.7" preserveAspectRatio="none">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${light}"/><stop offset="1" stop-color="${mid}"/></linearGradient></defs>
    <rect width="100" height="66.7" fill="url(#sky)"/>
    <circle cx="${sunX}" cy="${18 + (index % 3) * 5}" r="${6 + (index % 4)}" fill="#fff8e1" opacity="0.9"/>
    <path d="M0 ${44 + (index % 5)} Q 30 ${30 + (index % 7)} 60 ${46} T 100 ${40 + (index % 6)} V 66.7 H 0 Z" fill="${mid}" opacity="0.85"/>
    <path d="M0 ${54 + (index % 4)} Q 40 ${44 + (index % 6)} 70 ${56} T 100 ${52} V 66.7 H 0 Z" fill="${deep}"/>
  </svg>`;
  return sharp(Buffer.from(svg))
    .jpeg({ quality: 82 })
    .withExif({ IFD0: { Make: "Studio Bench", Model: `Camera ${1 + (index % 3)}`, Software: "bench/studio-fixture.ts", DateTime: `2026:0${1 + (index % 9)}:1${index % 10} 10:00:00` } })
    .toBuffer();
}

/** A small GeoJSON dataset: a few named polygons and points around Amsterdam. */
export function geojsonDataset(): Buffer {
  const square = (x: number, y: number, d: number) => [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]];
  const features = [
    ...Array.from({ length: 6 }, (_, i) => ({
      type: "Feature",
      properties: { name: `Polder ${i + 1}`, area_ha: 120 + i * 35, level_m: -2.5 + i * 0.3 },
      geometry: { type: "Polygon", coordinates: square(4.8 + (i % 3) * 0.05, 52.33 + Math.floor(i / 3) * 0.05, 0.045) },
    })),
  ];
  return Buffer.from(JSON.stringify({ type: "FeatureCollection", features }));
}

/** Chromium from Debian's package, headless. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}

/** Opens the studio with the key already stored, as after signing in once. */
export async function openStudio(browser: Browser, server: SeededServer, options: { width?: number; height?: number; query?: string } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 1280, height: options.height ?? 800 } });
  await page.addInitScript((key) => localStorage.setItem("assets-studio-api-key", key), server.key);
  await page.goto(`${server.url}/studio/${options.query ?? ""}`);
  await page.waitForSelector('[data-testid="who"]');
  return page;
}
