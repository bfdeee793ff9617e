/**
 * The studio's budget (issue 14 acceptance), measured:
 *
 * 1. First load of /studio: the JavaScript the browser fetched (Resource Timing, so lazy chunks
 *    count too), each file as shipped in packages/studio/dist/app compressed with gzip -9 and
 *    brotli q11 (the server itself sends them uncompressed; a proxy in front would compress).
 *    Budget: under 200 KB compressed.
 * 2. A grid of N (default 500) seeded image assets, scrolled to the end in headless chromium,
 *    with every `layout-shift` PerformanceEntry summed (the Layout Instability API; entries with
 *    recent input excluded, as CLS does), and the largest session window (CLS as Chrome reports
 *    it: shifts less than 1 s apart, at most 5 s). Goal: no layout shifts.
 *
 *   node --import tsx bench/studio.ts [--assets 500] [--json]
 *
 * Starts the standalone server in this process (embedded PGlite in a temporary DATA_DIR), seeds
 * the demo data and N JPEGs through POST /uploads, builds the studio first (vite build).
 */
import { readFile } from "node:fs/promises";
import { cpus, loadavg, totalmem } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { buildStudio, landscape, launchBrowser, openStudio, startSeededServer, uploadAll, type SeedFile } from "./studio-fixture.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const appDir = path.join(root, "packages/studio/dist/app");
const BUDGET_BYTES = 200 * 1024;

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const assets = option("assets", 500);

// Page functions run in the browser; the bench has no DOM lib, so what they touch is declared here.
interface ShiftEntry {
  value: number;
  hadRecentInput: boolean;
  startTime: number;
  /** What moved: `tag.class` of each source node, with its rectangles before and after. */
  sources: string[];
}
interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
interface ShiftSource {
  node?: { nodeName: string; className?: string } | null;
  previousRect: Rect;
  currentRect: Rect;
}
declare const window: { __shifts: ShiftEntry[]; scrollBy(x: number, y: number): void; scrollY: number; innerHeight: number };
declare const document: { querySelectorAll(selector: string): { length: number } & Iterable<{ complete?: boolean }>; querySelector(selector: string): { textContent: string | null } | null; documentElement: { scrollHeight: number } };
declare const localStorage: { setItem(key: string, value: string): void };
declare const performance: { getEntriesByType(type: string): { name: string; initiatorType: string; transferSize: number }[] };
declare const PerformanceObserver: new (callback: (list: { getEntries(): (ShiftEntry & { sources: ShiftSource[] })[] }) => void) => { observe(options: { type: string; buffered: boolean }): void };

interface ScriptSize {
  file: string;
  raw: number;
  gzip: number;
  brotli: number;
}

async function sizeOf(file: string): Promise<ScriptSize> {
  const bytes = await readFile(path.join(appDir, file));
  return {
    file,
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length,
  };
}

/** Largest sum of shifts within a session window (gaps < 1 s, window <= 5 s), as Chrome's CLS. */
function sessionWindowCls(shifts: ShiftEntry[]): number {
  let best = 0;
  let current = 0;
  let first = -Infinity;
  let last = -Infinity;
  for (const shift of shifts) {
    if (shift.startTime - last > 1000 || shift.startTime - first > 5000) {
      current = 0;
      first = shift.startTime;
    }
    current += shift.value;
    last = shift.startTime;
    best = Math.max(best, current);
  }
  return best;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

async function main() {
  const started = Date.now();
  await buildStudio();
  const server = await startSeededServer();
  const browser = await launchBrowser();
  try {
    // 1. First load: what the browser fetched as script for /studio/, signed in (the grid's first page).
    const first = await openStudio(browser, server);
    await first.waitForFunction(() => document.querySelector('[data-testid="total"]')?.textContent?.includes("assets"));
    const fetched = await first.evaluate(() => performance.getEntriesByType("resource").map((e) => ({ name: e.name, initiatorType: e.initiatorType, transferSize: e.transferSize })));
    const scripts = fetched.filter((e) => new URL(e.name).pathname.endsWith(".js"));
    const sizes = await Promise.all(scripts.map((e) => sizeOf(decodeURIComponent(new URL(e.name).pathname.replace(/^.*\/studio\//, "")))));
    await first.close();
    const total = sizes.reduce((sum, s) => ({ raw: sum.raw + s.raw, gzip: sum.gzip + s.gzip, brotli: sum.brotli + s.brotli }), { raw: 0, gzip: 0, brotli: 0 });

    // 2. The grid of N assets, scrolled to its end.
    const seedStarted = Date.now();
    const files: SeedFile[] = [];
    for (let i = 0; i < assets; i++) files.push({ name: `landscape-${String(i).padStart(3, "0")}.jpg`, type: "image/jpeg", bytes: await landscape(i, 480, 320), assetType: "image_asset", tags: [i % 2 ? "odd" : "even"] });
    const uploads = await uploadAll(server, files);
    const rejected = uploads.filter((u) => u.attributes.state !== "committed");
    if (rejected.length) throw new Error(`${rejected.length} seed uploads not committed: ${rejected[0]!.attributes.state_detail}`);
    const seedSeconds = (Date.now() - seedStarted) / 1000;

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript((key) => {
      localStorage.setItem("assets-studio-api-key", key);
      window.__shifts = [];
      const rect = (r: Rect) => `${Math.round(r.x)},${Math.round(r.y)} ${Math.round(r.width)}x${Math.round(r.height)}`;
      const source = (s: ShiftSource) => `${s.node?.nodeName.toLowerCase() ?? "?"}${s.node?.className ? `.${s.node.className}` : ""} ${rect(s.previousRect)} -> ${rect(s.currentRect)}`;
      new PerformanceObserver((list) =>
        window.__shifts.push(...list.getEntries().map((e) => ({ value: e.value, hadRecentInput: e.hadRecentInput, startTime: e.startTime, sources: e.sources.map(source) }))),
      ).observe({ type: "layout-shift", buffered: true });
    }, server.key);
    await page.goto(`${server.url}/studio/`);
    // The API's count for the same caller: the uploads plus the demo seed's listed resources.
    const listed = (await (await fetch(`${server.url}/resources?page[limit]=1`, { headers: { Authorization: `Bearer ${server.key}` } })).json()) as { meta: { total_count: number } };
    const expected = listed.meta.total_count;
    if (expected < assets) throw new Error(`the API lists ${expected} resources, fewer than the ${assets} seeded`);
    await page.waitForFunction((n) => document.querySelector('[data-testid="total"]')?.textContent === `${n} assets`, expected).catch(async (error: unknown) => {
      throw new Error(`the grid shows "${await page.locator('[data-testid="total"]').textContent()}", not ${expected} assets`, { cause: error });
    });
    const scrollStarted = Date.now();
    for (let step = 0; step < 2000; step++) {
      const [cards, bottom] = await page.evaluate(() => [document.querySelectorAll('[data-testid="card"]').length, window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2] as const);
      if (cards >= expected && bottom) break;
      await page.evaluate(() => window.scrollBy(0, 400));
      await page.waitForTimeout(50);
    }
    const scrollSeconds = (Date.now() - scrollStarted) / 1000;
    // Let the last thumbnails arrive: shifts they caused would be recorded now.
    await page
      .waitForFunction(() => document.querySelectorAll('.thumb[data-state="loading"]').length === 0 && [...document.querySelectorAll(".thumb img")].every((img) => img.complete), null, { timeout: 120_000 })
      .catch(() => console.warn("some thumbnails were still loading after 120 s"));
    await page.waitForTimeout(1500);
    const cards = await page.evaluate(() => document.querySelectorAll('[data-testid="card"]').length);
    const images = await page.evaluate(() => document.querySelectorAll(".thumb img").length);
    const failed = await page.evaluate(() => document.querySelectorAll('.thumb[data-state="failed"]').length);
    const shifts = (await page.evaluate(() => window.__shifts)).filter((s) => !s.hadRecentInput);
    await page.close();

    const result = {
      when: new Date(started).toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version, loadavg: loadavg().map((l) => Number(l.toFixed(1))) },
      first_load: { files: sizes, total, budget_bytes: BUDGET_BYTES, within_budget: Math.max(total.gzip, total.brotli) < BUDGET_BYTES },
      shifts,
      grid: { assets: expected, cards_rendered: cards, thumbnails: images, thumbnails_failed: failed, seed_seconds: seedSeconds, scroll_seconds: scrollSeconds, layout_shifts: shifts.length, shift_sum: shifts.reduce((s, e) => s + e.value, 0), cls_session_window: sessionWindowCls(shifts) },
    };
    if (args.includes("--json")) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    console.log(`machine: ${result.machine.cpus} x ${result.machine.model}, ${result.machine.memory_gib} GiB, Node ${result.machine.node}, load ${result.machine.loadavg.join(" ")}`);
    console.log("\nfirst load of /studio/: JavaScript fetched");
    for (const s of sizes) console.log(`  ${s.file}: ${kb(s.raw)} raw, ${kb(s.gzip)} gzip, ${kb(s.brotli)} brotli`);
    console.log(`  total: ${kb(total.raw)} raw, ${kb(total.gzip)} gzip, ${kb(total.brotli)} brotli; budget ${kb(BUDGET_BYTES)}: ${result.first_load.within_budget ? "met" : "NOT met"}`);
    console.log(`\ngrid of ${expected} assets (seeded in ${seedSeconds.toFixed(1)} s), scrolled to the end in ${scrollSeconds.toFixed(1)} s: ${cards} cards, ${images} thumbnails (${failed} failed)`);
    console.log(`  layout-shift entries: ${shifts.length}, summed ${result.grid.shift_sum.toFixed(4)}, largest session window (CLS) ${result.grid.cls_session_window.toFixed(4)}`);
    for (const shift of shifts.slice(0, 10)) console.log(`    at ${Math.round(shift.startTime)} ms: ${shift.value.toFixed(4)} ${shift.sources.join("; ")}`);
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
