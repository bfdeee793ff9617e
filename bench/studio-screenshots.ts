/**
 * Screenshots of the studio's main views for the README, regenerated from a seeded local server:
 * docs/studio/grid.png, detail-image.png (focal point set by a click), detail-raster.png,
 * upload-progress.png (uploads throttled through the DevTools protocol, one paused) and
 * uploads.png (the uploads list, a rejected file with its reason).
 *
 *   node --import tsx bench/studio-screenshots.ts [outDir=docs/studio]
 *
 * PNGs are quantised to a palette (sharp) to keep the repository small.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import sharp from "sharp";
import { buildStudio, geojsonDataset, landscape, launchBrowser, openStudio, startSeededServer, uploadAll, type SeedFile } from "./studio-fixture.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const outDir = path.resolve(root, process.argv[2] ?? "docs/studio");
const RASTERS = path.join(root, "../shared/fixtures/rasters");

// Page functions run in the browser; the script has no DOM lib, so what they touch is declared here.
declare const document: {
  querySelectorAll(selector: string): Iterable<{ complete?: boolean; dataset: Record<string, string | undefined> }> & { length: number };
  querySelector(selector: string): { dispatchEvent(event: unknown): boolean } | null;
};
declare const DataTransfer: new () => { items: { add(file: unknown): void } };
declare const DragEvent: new (type: string, init: Record<string, unknown>) => unknown;

const NAMES = ["harbour-dawn", "dune-walk", "polder-sunset", "heath-violet", "estuary-blue", "autumn-ridge", "city-dusk", "red-cliffs", "morning-fog"];
const TAGS = [["coast", "morning"], ["coast"], ["polder", "evening"], ["heath"], ["water"], ["autumn"], ["city", "evening"], ["coast"], ["morning"]];

async function shoot(page: Page, name: string): Promise<void> {
  const png = await page.screenshot({ type: "png" });
  const small = await sharp(png).png({ palette: true, quality: 90, effort: 10, compressionLevel: 9 }).toBuffer();
  await writeFile(path.join(outDir, name), small);
  console.log(`${name}: ${(small.length / 1024).toFixed(0)} KB`);
}

async function thumbnailsLoaded(page: Page): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('.thumb[data-state="loading"]').length === 0 && [...document.querySelectorAll(".thumb img, .preview img")].every((img) => img.complete), null, { timeout: 60_000 });
  await page.waitForTimeout(300);
}

/** Drops files on the page as a user dragging them from the desktop would. */
async function dropFiles(page: Page, files: { name: string; type: string; base64: string }[]) {
  await page.evaluate((list) => {
    const transfer = new DataTransfer();
    for (const f of list) transfer.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    const target = document.querySelector(".shell")!;
    target.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, files);
}

/** A photo-sized JPEG of noise: megabytes, so a throttled upload shows its progress for a while. */
async function noisyJpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: "#6a8caf", noise: { type: "gaussian", mean: 128, sigma: 60 } } }).jpeg({ quality: 92 }).toBuffer();
}

async function main() {
  await mkdir(outDir, { recursive: true });
  await buildStudio();
  const server = await startSeededServer();
  const browser = await launchBrowser();
  try {
    const files: SeedFile[] = [];
    for (const [i, name] of NAMES.entries()) files.push({ name: `${name}.jpg`, type: "image/jpeg", bytes: await landscape(i), assetType: "image_asset", tags: TAGS[i] });
    files.push({ name: "utm31n_u2_cog.tif", type: "image/tiff", bytes: await readFile(path.join(RASTERS, "utm31n_u2_cog.tif")), tags: ["elevation"] });
    files.push({ name: "rd_f4_nodata-9999.tif", type: "image/tiff", bytes: await readFile(path.join(RASTERS, "rd_f4_nodata-9999.tif")), tags: ["rainfall"] });
    files.push({ name: "polders.geojson", type: "application/geo+json", bytes: geojsonDataset(), assetType: "dataset", tags: ["polder"] });
    files.push({ name: "corrupt_truncated.tif", type: "image/tiff", bytes: await readFile(path.join(RASTERS, "corrupt_truncated.tif")) });
    await uploadAll(server, files);

    // The grid.
    const page = await openStudio(browser, server);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="card"]').length >= 12);
    await thumbnailsLoaded(page);
    await shoot(page, "grid.png");

    // An image's detail panel, its focal point set by a click on the image.
    await page.locator('[data-testid="card"]', { hasText: "polder-sunset" }).click();
    const image = page.locator('[data-testid="preview-image"]');
    await image.waitFor();
    await thumbnailsLoaded(page);
    const box = (await image.boundingBox())!;
    await image.click({ position: { x: Math.round(box.width * 0.3), y: Math.round(box.height * 0.4) } });
    await page.locator('[role="status"], [role="alert"]').first().waitFor();
    if (await page.locator('[role="alert"]').count()) console.warn(`focal point not saved: ${await page.locator('[role="alert"]').textContent()}`);
    await shoot(page, "detail-image.png");

    // A raster's: bounds and band statistics.
    await page.locator('[data-testid="card"]', { hasText: "utm31n_u2_cog" }).click();
    await page.locator('[data-testid="metadata"] dt', { hasText: "projection" }).waitFor();
    await thumbnailsLoaded(page);
    await page.locator('[data-testid="section-statistics"]').waitFor();
    // The panel scrolls on its own: to its end, where the bounds and band statistics are.
    await page.locator('[data-testid="detail"]').evaluate((panel: { scrollTop: number; scrollHeight: number }) => (panel.scrollTop = panel.scrollHeight));
    await shoot(page, "detail-raster.png");
    await page.close();

    // Uploads in progress: the upload throttled to 2 Mbit/s, the second file paused.
    const uploading = await openStudio(browser, server);
    const cdp = await uploading.context().newCDPSession(uploading);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    await thumbnailsLoaded(uploading);
    const dropped = [
      { name: "survey-flight-0412.jpg", type: "image/jpeg", bytes: await noisyJpeg(2400, 1600) },
      { name: "survey-flight-0413.jpg", type: "image/jpeg", bytes: await noisyJpeg(2400, 1600) },
      { name: "dike-inspection.jpg", type: "image/jpeg", bytes: await landscape(3, 1600, 1066) },
    ];
    await dropFiles(uploading, dropped.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString("base64") })));
    const rows = uploading.locator('[data-testid="upload-row"]');
    await rows.nth(1).getByRole("button", { name: "Pause" }).click();
    await uploading.waitForFunction(() => [...document.querySelectorAll('[data-testid="upload-row"]')].some((r) => r.dataset.phase !== "uploading"), null, { timeout: 120_000 });
    await uploading.waitForTimeout(1500);
    await shoot(uploading, "upload-progress.png");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    await rows.nth(1).getByRole("button", { name: "Resume" }).click();
    await uploading.waitForFunction(() => [...document.querySelectorAll('[data-testid="upload-row"]')].every((r) => r.dataset.phase === "committed"), null, { timeout: 120_000 });

    // The uploads list.
    await uploading.getByRole("button", { name: "Uploads" }).click();
    await uploading.waitForFunction(() => document.querySelectorAll('[data-testid="upload"]').length >= 16);
    await shoot(uploading, "uploads.png");
    await uploading.close();
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
