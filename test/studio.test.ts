// The studio in a real browser (Debian's chromium through playwright-core): sign in with a key,
// drop two images and a GeoTIFF, watch them reach committed, filter by type, open the detail
// panel, and check that an anonymous visitor does not see a Private asset. Values are checked
// against GDAL's truth for the fixture, not against what the page happens to show.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium, type Browser, type Page } from "playwright-core";
import sharp from "sharp";
import { createTestDatabase, type Database } from "@assets/core";
import { buildApp, seedDemo, serverPlugins } from "@assets/server";
import { createTestPipeline, testLogger } from "./helpers/app.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const RASTER = fileURLToPath(new URL("../../shared/fixtures/rasters/utm31n_u2_cog.tif", import.meta.url));
const CORRUPT = fileURLToPath(new URL("../../shared/fixtures/rasters/corrupt_truncated.tif", import.meta.url));
const TRUTH = fileURLToPath(new URL("../../shared/fixtures/rasters/truth.json", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// Page functions run in the browser; this program has no DOM lib (it would retype Node's fetch),
// so the little of the DOM they use is declared here.
interface PageElement {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  getAttribute(name: string): string | null;
  dispatchEvent(event: unknown): boolean;
  querySelectorAll(selector: string): PageElement[];
  nextElementSibling: PageElement | null;
  naturalWidth?: number;
}
declare const document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): Iterable<PageElement> & { length: number } };
declare const location: { search: string };
declare const DataTransfer: new () => { items: { add(file: unknown): void } };
declare const DragEvent: new (type: string, init: Record<string, unknown>) => unknown;

interface DroppedFile {
  name: string;
  type: string;
  base64: string;
}

/** Drops files on the page as a user dragging them from the desktop would (a DataTransfer of Files). */
async function dropFiles(page: Page, files: DroppedFile[]) {
  await page.evaluate((list) => {
    const transfer = new DataTransfer();
    for (const f of list) transfer.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    const target = document.querySelector(".shell")!;
    target.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, files);
}

describe("studio: the media library in a browser", () => {
  let db: Database;
  let server: Server;
  let base: string;
  let browser: Browser;
  let key: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    // The built app is what the server serves; build it as `npm start` would.
    await promisify(execFile)(`${root}/node_modules/.bin/vite`, ["build", "--config", "packages/studio/vite.config.ts", "--logLevel", "error"], { cwd: root });
    db = await createTestDatabase({ plugins: serverPlugins() });
    const pipeline = await createTestPipeline(db, { plugins: serverPlugins() });
    server = buildApp(pipeline, testLogger).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    key = (await seedDemo(db)).apiKey!;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    close = async () => {
      await pipeline.close();
      await db.close();
    };
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await close?.();
  });

  it("redirects /studio to /studio/ so the app's relative URLs resolve, and serves hashed files as immutable", async () => {
    const res = await fetch(`${base}/studio?type=raster_source`, { redirect: "manual" });
    expect(res.status).toBe(301);
    expect(res.headers.get("location")).toBe("/studio/?type=raster_source");
    const html = await (await fetch(`${base}/studio/`)).text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1];
    const asset = await fetch(`${base}/studio/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toContain("immutable");
  });

  it("signs in, uploads by drag and drop through tus until committed, filters by type and shows the raster's metadata", async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${base}/studio/`);
    await page.fill('input[name="key"]', key);
    await page.click('button[type="submit"]');
    await expect(page.locator('[data-testid="who"]').textContent()).resolves.toContain("demo");

    const png = (color: string) => sharp({ create: { width: 64, height: 48, channels: 3, background: color } }).png().toBuffer();
    await dropFiles(page, [
      { name: "red.png", type: "image/png", base64: (await png("#ff0000")).toString("base64") },
      { name: "blue.png", type: "image/png", base64: (await png("#0000ff")).toString("base64") },
      { name: "utm31n.tif", type: "image/tiff", base64: (await readFile(RASTER)).toString("base64") },
    ]);
    const rows = page.locator('[data-testid="upload-row"]');
    await expect(rows.count()).resolves.toBe(3);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="upload-row"]')].every((r) => r.dataset.phase === "committed"), null, { timeout: 90_000 });

    // Filter by type: only the raster, and the filter is in the URL.
    await page.selectOption('select[aria-label="Type"]', "raster_source");
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="card"]')].every((c) => c.dataset.type === "raster_source") && document.querySelectorAll('[data-testid="card"]').length === 1);
    expect(new URL(page.url()).searchParams.get("type")).toBe("raster_source");
    await page.click('[data-testid="card"]');
    const metadata = page.locator('[data-testid="metadata"]');
    await metadata.waitFor();
    const truth = (JSON.parse(await readFile(TRUTH, "utf8")) as { files: Record<string, unknown>[] }).files.find((f) => f.file === "utm31n_u2_cog.tif")!;
    const shown = Object.fromEntries(
      await metadata.evaluate((dl: PageElement) => [...dl.querySelectorAll("dt")].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])),
    ) as Record<string, string>;
    expect(shown.projection).toBe(truth.projection);
    expect(Number(shown.origin_x)).toBe(truth.origin_x);
    expect(Number(shown.upper_bound_y)).toBe(truth.upper_bound_y);
    // Band statistics as gdalinfo -stats computed them (truth.json).
    const stats = await page.locator('[data-testid="section-statistics"] table').evaluate((table: PageElement) =>
      [...table.querySelectorAll("tbody tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)),
    );
    const header = await page.locator('[data-testid="section-statistics"] th').allTextContents();
    const band = Object.fromEntries(header.map((name, i) => [name, Number(stats[0]![i])]));
    const gdal = (truth.gdal as { stats: Record<string, number>[] }).stats[0]!;
    expect(stats).toHaveLength(1);
    expect([band.band, band.min, band.max]).toEqual([gdal.band, gdal.min, gdal.max]);
    expect(band.mean).toBeCloseTo(gdal.mean!, 6);
    expect(band.stddev).toBeCloseTo(gdal.stddev!, 6);
    // The raster's preview is a PNG from the Lizard profile's data endpoint, fetched with the key.
    await page.waitForFunction(() => !!document.querySelector('[data-testid="preview"] img')?.getAttribute("src")?.startsWith("blob:"));

    // The PNGs went in as image assets (the studio picks the type the API lists for the file).
    await page.selectOption('select[aria-label="Type"]', "image_asset");
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="card"]')].every((c) => c.dataset.type === "image_asset") && document.querySelectorAll('[data-testid="card"]').length === 2);
    await page.locator('[data-testid="card"]', { hasText: "red.png" }).click();
    await page.waitForFunction(() => !!document.querySelector('[data-testid="preview-image"]')?.getAttribute("src")?.startsWith("blob:"));
    await page.waitForFunction(() => document.querySelector('[data-testid="preview-image"]')?.naturalWidth === 64);
    // The panel shows the whole image (64 px wide, as made above: naturalWidth), not the grid's
    // 320x240 crop, and the image's own metadata.
    const imageMetadata = Object.fromEntries(
      await metadata.evaluate((dl: PageElement) => [...dl.querySelectorAll("dt")].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])),
    ) as Record<string, string>;
    expect([imageMetadata.width, imageMetadata.height, imageMetadata.format]).toEqual(["64", "48", "png"]);

    // A click on the image sets its focal point; the DatoCMS profile then answers the point
    // clicked, in 0..1 of the image.
    const image = page.locator('[data-testid="preview-image"]');
    const box = (await image.boundingBox())!;
    const click = { x: Math.round(box.width * 0.25), y: Math.round(box.height * 0.75) };
    await image.click({ position: click });
    await page.locator('[role="status"]', { hasText: "Focal point set" }).waitFor();
    await page.locator('[data-testid="focal"]').waitFor();
    const id = await page.evaluate(() => new URLSearchParams(location.search).get("id"));
    const upload = (await (await fetch(`${base}/datocms/uploads/${id}`, { headers: { Authorization: `Bearer ${key}` } })).json()) as {
      data: { attributes: { filename: string; default_field_metadata: Record<string, { focal_point?: { x: number; y: number } | null }> } };
    };
    expect(upload.data.attributes.filename).toBe("red.png");
    const focal = Object.values(upload.data.attributes.default_field_metadata).map((locale) => locale.focal_point);
    expect(focal).toHaveLength(1);
    // Within a pixel of where the mouse went down on the image as laid out.
    expect(Math.abs(focal[0]!.x - click.x / box.width)).toBeLessThanOrEqual(1 / box.width);
    expect(Math.abs(focal[0]!.y - click.y / box.height)).toBeLessThanOrEqual(1 / box.height);

    // Alt text and title from the form go to the same locale, and the focal point stays.
    await page.fill('input[name="alt"]', "A red rectangle");
    await page.fill('input[name="title"]', "Red");
    await page.click('form.edit button[type="submit"]');
    await page.locator('[role="status"]', { hasText: "Saved" }).waitFor();
    const edited = (await (await fetch(`${base}/datocms/uploads/${id}`, { headers: { Authorization: `Bearer ${key}` } })).json()) as {
      data: { attributes: { default_field_metadata: Record<string, { alt?: string | null; title?: string | null; focal_point?: { x: number; y: number } | null }> } };
    };
    const locales = Object.values(edited.data.attributes.default_field_metadata);
    expect(locales).toHaveLength(1);
    expect([locales[0]!.alt, locales[0]!.title]).toEqual(["A red rectangle", "Red"]);
    expect(locales[0]!.focal_point).toEqual(focal[0]);
    expect(problems).toEqual([]);
    await page.close();
  }, 150_000);

  it("shows a dataset's thumbnail in the grid and its attributes (as ogrinfo lists them) in the detail panel", async () => {
    const geojson = JSON.stringify({
      type: "FeatureCollection",
      features: [0, 1, 2].map((i) => ({
        type: "Feature",
        properties: { name: `Polder ${i}`, area_ha: 100 + i, level_m: -2.5 + i / 2 },
        geometry: { type: "Polygon", coordinates: [[[4.8 + i / 10, 52.3], [4.85 + i / 10, 52.3], [4.85 + i / 10, 52.35], [4.8 + i / 10, 52.3]]] },
      })),
    });
    const file = join(await mkdtemp(join(tmpdir(), "studio-")), "polders.geojson");
    await writeFile(file, geojson);
    const { stdout } = await promisify(execFile)("ogrinfo", ["-so", "-al", file]);
    const fields = [...stdout.matchAll(/^(\w+): (String|Integer|Integer64|Real) /gm)].map((m) => m[1]);
    expect(fields).toEqual(["name", "area_ha", "level_m"]);

    const form = new FormData();
    form.set("type", "dataset");
    form.set("file", new Blob([geojson], { type: "application/geo+json" }), "polders.geojson");
    const auth = { Authorization: `Bearer ${key}` };
    type UploadDocument = { data: { id: string; attributes: { state: string } } };
    let upload = ((await (await fetch(`${base}/uploads`, { method: "POST", body: form, headers: auth })).json()) as UploadDocument).data;
    while (!["committed", "rejected"].includes(upload.attributes.state)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      upload = ((await (await fetch(`${base}/uploads/${upload.id}`, { headers: auth })).json()) as UploadDocument).data;
    }
    expect(upload.attributes.state).toBe("committed");

    const page = await browser.newPage();
    await page.goto(`${base}/studio/?type=dataset`);
    await page.fill('input[name="key"]', key);
    await page.click('button[type="submit"]');
    const card = page.locator('[data-testid="card"]', { hasText: "polders" });
    await card.waitFor();
    // The PNG the dataset processor drew, fetched with the key.
    await page.waitForFunction(() => !!document.querySelector('[data-testid="card"] .thumb img')?.getAttribute("src")?.startsWith("blob:"));
    await card.click();
    const rows = page.locator('[data-testid="section-attribute_set"] tbody tr td:first-child');
    await rows.first().waitFor();
    expect(await rows.allTextContents()).toEqual(expect.arrayContaining(fields));
    const shown = Object.fromEntries(
      await page.locator('[data-testid="metadata"]').evaluate((dl: PageElement) => [...dl.querySelectorAll("dt")].map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])),
    ) as Record<string, string>;
    expect([shown.feature_count, shown.geometry_type]).toEqual(["3", "Polygon"]);
    await page.close();
  }, 120_000);

  it("lists uploads filtered by state and file name (kept in the URL), a rejected file with the API's reason", async () => {
    const form = new FormData();
    form.set("file", new Blob([await readFile(CORRUPT)], { type: "image/tiff" }), "corrupt_truncated.tif");
    const auth = { Authorization: `Bearer ${key}` };
    type UploadDocument = { data: { id: string; attributes: { state: string; state_detail: string | null } } };
    let upload = ((await (await fetch(`${base}/uploads`, { method: "POST", body: form, headers: auth })).json()) as UploadDocument).data;
    while (!["committed", "rejected"].includes(upload.attributes.state)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      upload = ((await (await fetch(`${base}/uploads/${upload.id}`, { headers: auth })).json()) as UploadDocument).data;
    }
    expect(upload.attributes.state).toBe("rejected");

    const page = await browser.newPage();
    await page.goto(`${base}/studio/#uploads`);
    await page.fill('input[name="key"]', key);
    await page.click('button[type="submit"]');
    await page.selectOption('select[aria-label="Upload state"]', "rejected");
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="upload"]')].length === 1 && [...document.querySelectorAll('[data-testid="upload"]')].every((r) => r.dataset.state === "rejected"));
    const cells = await page.locator('[data-testid="upload"] td').allTextContents();
    expect(cells[0]).toBe("corrupt_truncated.tif");
    expect(cells.at(-1)).toBe(upload.attributes.state_detail);
    expect(new URL(page.url()).searchParams.get("state")).toBe("rejected");

    await page.selectOption('select[aria-label="Upload state"]', "committed");
    await page.fill('input[aria-label="File name"]', "blue");
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="upload"]')].length === 1 && document.querySelector('[data-testid="upload"] td')?.textContent === "blue.png");
    expect(new URL(page.url()).searchParams.get("file")).toBe("blue");
    await page.close();
  });

  it("an anonymous visitor sees Public assets, not Private ones", async () => {
    const names = async (page: Page) => page.locator(".card-name").allTextContents();
    // The seed's access modifiers, read from the database rather than the page.
    const resources = await db.prisma.resource.findMany({ select: { name: true, access_modifier: true } });
    const publicNames = resources.filter((r) => r.access_modifier === "Public").map((r) => r.name).sort();
    const privateNames = resources.filter((r) => r.access_modifier === "Private").map((r) => r.name);
    expect(privateNames.length).toBeGreaterThan(0);
    const admin = await browser.newPage();
    await admin.goto(`${base}/studio/`);
    await admin.fill('input[name="key"]', key);
    await admin.click('button[type="submit"]');
    // The page lists anonymously before the sign-in, then again with the key: wait for the signed-in list, not the
    // first one (whose cards are the Public ones only). A page that never shows the Private ones fails here.
    await admin.waitForSelector('[data-testid="who"]');
    await admin.waitForFunction((wanted) => {
      const shown = new Set([...document.querySelectorAll(".card-name")].map((card) => card.textContent));
      return wanted.every((name) => shown.has(name));
    }, privateNames, { timeout: 20_000 });
    const seen = await names(admin);
    const visitor = await browser.newPage();
    await visitor.goto(`${base}/studio/`);
    await visitor.waitForFunction(() => document.querySelector('[data-testid="total"]')?.textContent?.includes("assets"));
    const anonymous = await names(visitor);
    expect(seen).toEqual(expect.arrayContaining(privateNames));
    expect([...anonymous].sort()).toEqual(publicNames);
    await admin.close();
    await visitor.close();
  });
});
