// The studio's workflows in a real browser (Debian's chromium through playwright-core) against the
// real server: the grid by pipeline state, the raster_dataset type filter, pausing and resuming a
// tus upload, the perm_spec editor, and delete with the "in use" question. Every outcome is checked
// through the HTTP API (another user's key, Lizard's and GeoNode's own views, the file's sha256),
// not against what the page happens to show. Waits are on visible states, never on time.
import { createHash } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import sharp from "sharp";
import { userWithKey } from "./helpers/app.js";
import { gridReady, signedInPage, startStudio, uploadAndSettle, type StudioHarness } from "./helpers/studio.js";

const RASTER = fileURLToPath(new URL("../../shared/fixtures/rasters/utm31n_u2_cog.tif", import.meta.url));
const CORRUPT = fileURLToPath(new URL("../../shared/fixtures/rasters/corrupt_truncated.tif", import.meta.url));

// Page functions run in the browser; this program has no DOM lib, so the little of the DOM they use is declared here.
interface PageElement {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  value?: number;
  querySelector(selector: string): PageElement | null;
}
declare const document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): Iterable<PageElement> & { length: number } };
declare const window: { __seen?: number[]; requestAnimationFrame(run: () => void): void };

/** The grid's cards as shown: name, whether a placeholder, type, state, reason. */
async function cards(page: Page) {
  await gridReady(page);
  return page.locator('[data-testid="card"]').evaluateAll((all: PageElement[]) =>
    all.map((c) => ({
      name: c.querySelector(".card-name")?.textContent ?? "",
      placeholder: c.dataset.placeholder !== undefined,
      type: c.dataset.type,
      state: c.dataset.state,
      reason: c.querySelector('[data-testid="reason"]')?.textContent ?? null,
    })),
  );
}

describe("studio workflows in a browser", () => {
  let studio: StudioHarness;
  let auth: Record<string, string>;
  const api = (path: string, init: RequestInit = {}, as: Record<string, string> = auth) =>
    fetch(`${studio.base}${path}`, { ...init, headers: { ...as, ...(init.headers as Record<string, string>) } });

  beforeAll(async () => {
    studio = await startStudio();
    auth = { Authorization: `Bearer ${studio.key}` };
  }, 180_000);
  afterAll(async () => {
    await studio?.close();
  });

  it("lists the grid by pipeline state: a rejected upload as a placeholder with the API's reason, one in flight, committed ones as their assets", async () => {
    const rejected = await uploadAndSettle(studio.base, studio.key, { name: "state-corrupt.tif", type: "image/tiff", bytes: await readFile(CORRUPT) });
    expect(rejected.attributes.state).toBe("rejected");
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#c00" } }).png().toBuffer();
    const committed = await uploadAndSettle(studio.base, studio.key, { name: "state-red.png", type: "image/png", bytes: png }, "image_asset");
    expect(committed.attributes.state).toBe("committed");
    // An upload in flight: tus creation, no bytes yet.
    const b64 = (text: string) => Buffer.from(text).toString("base64");
    const created = await api("/uploads/tus", {
      method: "POST",
      headers: { "Tus-Resumable": "1.0.0", "Upload-Length": "1024", "Upload-Metadata": `filename ${b64("state-inflight.bin")},type ${b64("document")}` },
    });
    expect(created.status).toBe(201);
    const listed = (await (await api("/uploads?filter[fields][filename][eq]=state-inflight.bin")).json()) as { data: { attributes: { state: string } }[] };
    const inflightState = listed.data[0]!.attributes.state;
    expect(["requested", "received"]).toContain(inflightState);

    const page = await signedInPage(studio.browser, studio.base, studio.key, "/studio/?state=rejected&q=state-");
    expect(await cards(page)).toEqual([{ name: "state-corrupt.tif", placeholder: true, type: "upload", state: "rejected", reason: rejected.attributes.state_detail }]);
    expect(rejected.attributes.state_detail).toBeTruthy();
    expect(await page.locator('[data-testid="total"]').textContent()).toBe("1 uploads");

    await page.selectOption('select[aria-label="State"]', inflightState);
    expect(await cards(page)).toEqual([{ name: "state-inflight.bin", placeholder: true, type: "upload", state: inflightState, reason: null }]);
    expect(new URL(page.url()).searchParams.get("state")).toBe(inflightState);

    // Committed: the asset the upload became, which opens in the detail panel.
    await page.selectOption('select[aria-label="State"]', "committed");
    expect(await cards(page)).toEqual([{ name: "state-red.png", placeholder: false, type: "image_asset", state: "committed", reason: null }]);
    await page.click('[data-testid="card"]');
    await page.locator('[data-testid="detail"] h2', { hasText: "state-red.png" }).waitFor();
    expect(new URL(page.url()).searchParams.get("id")).toBe(committed.relationships.resource.data!.id);

    // Any state: the assets themselves, where a rejected upload has none.
    await page.selectOption('select[aria-label="State"]', "");
    expect((await cards(page)).map((c) => [c.name, c.placeholder])).toEqual([["state-red.png", false]]);
    await page.close();
  }, 180_000);

  it("filters by the raster_dataset type: GeoTIFFs sent as raster datasets, which GeoNode lists as datasets of subtype raster", async () => {
    const tif = await readFile(RASTER);
    const raster = await uploadAndSettle(studio.base, studio.key, { name: "typedraster.tif", type: "image/tiff", bytes: tif }, "raster_dataset");
    const source = await uploadAndSettle(studio.base, studio.key, { name: "typedsource.tif", type: "image/tiff", bytes: tif }, "raster_source");
    const geojson = JSON.stringify({ type: "FeatureCollection", features: [{ type: "Feature", properties: { n: 1 }, geometry: { type: "Point", coordinates: [5, 52] } }] });
    const vector = await uploadAndSettle(studio.base, studio.key, { name: "typedvector.geojson", type: "application/geo+json", bytes: Buffer.from(geojson) }, "dataset");
    expect([raster, source, vector].map((u) => u.attributes.state)).toEqual(["committed", "committed", "committed"]);
    const rasterId = raster.relationships.resource.data!.id;
    // (GeoNode names a dataset after its layer: typedraster, so the search is on "typed".)
    // GeoNode's own view of what the upload became: a dataset of subtype raster.
    const geonode = (await (await api(`/api/v2/resources/${rasterId}`)).json()) as { resource: { resource_type: string; subtype: string } };
    expect([geonode.resource.resource_type, geonode.resource.subtype]).toEqual(["dataset", "raster"]);

    const page = await signedInPage(studio.browser, studio.base, studio.key, "/studio/?q=typed&type=raster_dataset");
    const shown = await cards(page);
    expect(shown).toHaveLength(1);
    expect(shown[0]!.type).toBe("dataset");
    await page.click('[data-testid="card"]');
    await page.locator('[data-testid="detail"]').waitFor();
    expect(new URL(page.url()).searchParams.get("id")).toBe(rasterId);

    // GeoNode's `dataset` holds vector and raster datasets alike; the raster source is neither.
    await page.selectOption('select[aria-label="Type"]', "dataset");
    expect((await cards(page)).map((c) => c.type)).toEqual(["dataset", "dataset"]);
    await page.selectOption('select[aria-label="Type"]', "raster_source");
    expect((await cards(page)).map((c) => c.type)).toEqual(["raster_source"]);
    await page.close();
  }, 180_000);

  it("pauses and resumes a tus upload: the progress bar continues from the offset the server has, and the file arrives whole", async () => {
    // A real PNG of noise (incompressible: ~20 MB, three of Uppy's 8 MB tus chunks).
    const file = join(await mkdtemp(join(tmpdir(), "studio-")), "paused-noise.png");
    const bytes = await sharp({ create: { width: 2600, height: 2600, channels: 3, background: "#000", noise: { type: "gaussian", mean: 128, sigma: 90 } } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    await writeFile(file, bytes);
    const sha256 = createHash("sha256").update(bytes).digest("hex");

    const page = await signedInPage(studio.browser, studio.base, studio.key);
    // A slow link, so the transfer is still under way when the test pauses it.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Network.enable");
    await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 2 * 1024 * 1024 });
    await page.selectOption('select[aria-label="Upload as"]', "document");
    await page.setInputFiles('input[aria-label="Choose files"]', file);
    const row = page.locator('[data-testid="upload-row"]', { hasText: "paused-noise.png" });
    const progress = row.locator("progress");
    // Past the first chunk, so the server holds bytes to resume from.
    await page.waitForFunction(() => (document.querySelector('[data-testid="upload-row"] progress')?.value ?? 0) >= 0.45, null, { timeout: 120_000 });
    await row.getByRole("button", { name: "Pause" }).click();
    await row.getByRole("button", { name: "Resume" }).waitFor();
    const pausedAt = Number(await progress.evaluate((p: PageElement) => p.value));

    const listed = (await (await api("/uploads?filter[fields][filename][eq]=paused-noise.png")).json()) as { data: { id: string; attributes: { uuid: string; state: string } }[] };
    expect(listed.data).toHaveLength(1);
    const { id, attributes } = listed.data[0]!;
    const head = await api(`/uploads/tus/${attributes.uuid}`, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" } });
    const offset = Number(head.headers.get("upload-offset"));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(bytes.length);

    // Every value the bar shows from the resume until the transfer ends.
    await page.evaluate(() => {
      const seen: number[] = (window.__seen = []);
      const sample = () => {
        const current = document.querySelector('[data-testid="upload-row"]');
        if (current?.dataset.phase !== "uploading") return;
        seen.push(current.querySelector("progress")?.value ?? -1);
        window.requestAnimationFrame(sample);
      };
      sample();
    });
    await row.getByRole("button", { name: "Resume" }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="upload-row"]')?.dataset.phase === "committed", null, { timeout: 180_000 });
    const seen = (await page.evaluate(() => window.__seen ?? [])) as number[];
    // The bar never went back (no restart from 0) and, from the first progress after the resume,
    // shows at least what the server held at the pause (it may have had bytes the bar had not shown yet).
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((v, i) => v >= (i === 0 ? pausedAt : seen[i - 1]!))).toBe(true);
    const resumed = seen.filter((v) => v !== pausedAt);
    expect(resumed.length).toBeGreaterThan(0);
    expect(Math.min(...resumed)).toBeGreaterThanOrEqual(offset / bytes.length - 1e-9);

    const upload = (await (await api(`/uploads/${id}`)).json()) as { data: { attributes: { state: string; size: number; sha256: string } } };
    expect(upload.data.attributes).toMatchObject({ state: "committed", size: bytes.length, sha256 });
    await page.close();
  }, 300_000);

  it("perm_spec editor: a level given to a user and to a group takes effect for their own keys, and taking it back too", async () => {
    const { db } = studio;
    const reviewers = await db.prisma.group.create({ data: { name: "reviewers" } });
    const bob = await userWithKey(db, "bob");
    const carol = await userWithKey(db, "carol", { groups: [reviewers.id] });
    const demo = await db.prisma.user.findUniqueOrThrow({ where: { username: "demo" } });
    const target = await db.prisma.resource.create({ data: { type: "resource", name: "Permission target", access_modifier: "Private", owner_id: demo.id } });
    const patch = (as: Record<string, string>) =>
      api(`/resources/${target.id}`, { method: "PATCH", headers: { "Content-Type": "application/vnd.api+json" }, body: JSON.stringify({ data: { type: "resource", id: String(target.id), attributes: { description: "reviewed" } } }) }, as);
    expect((await api(`/resources/${target.id}`, {}, bob.auth)).status).toBe(404);
    expect((await patch(carol.auth)).status).toBe(404);

    const page = await signedInPage(studio.browser, studio.base, studio.key, "/studio/?q=Permission%20target");
    await page.locator('[data-testid="card"]', { hasText: "Permission target" }).click();
    await page.locator('[data-testid="perm-spec"] summary').click();
    await page.locator('[data-testid="perm-row"]').first().waitFor();
    const add = async (kind: "users" | "organizations", name: string, level: string) => {
      await page.selectOption('select[aria-label="New subject kind"]', kind);
      await page.fill('input[aria-label="New subject name"]', name);
      await page.selectOption('select[aria-label="New subject level"]', level);
      await page.getByRole("button", { name: "Add", exact: true }).click();
    };
    const save = async () => {
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url().includes(`/resources/${target.id}/permissions`) && r.request().method() === "PUT"),
        page.getByRole("button", { name: "Save permissions" }).click(),
      ]);
      expect(answer.status()).toBe(200);
      await page.locator('[role="status"]', { hasText: "Permissions saved" }).waitFor();
    };
    await add("users", "bob", "view");
    await add("organizations", "reviewers", "manage");
    await save();
    // The API, asked with their own keys: bob may read, not change; carol (through her group) may change.
    expect((await api(`/resources/${target.id}`, {}, bob.auth)).status).toBe(200);
    expect((await patch(bob.auth)).status).toBe(403);
    expect((await patch(carol.auth)).status).toBe(200);

    // Bob's level changed in his row, back to none: he no longer sees it.
    await page.selectOption('select[aria-label="Level of user:bob"]', "none");
    await save();
    expect((await api(`/resources/${target.id}`, {}, bob.auth)).status).toBe(404);
    expect((await api(`/resources/${target.id}`, {}, carol.auth)).status).toBe(200);
    await page.close();
  }, 180_000);

  it("delete asks with the in-use warning: cancel keeps a raster source its layer renders, confirm deletes it (the layer keeps it in deleted_sources); an unused image is asked about plainly", async () => {
    const { db } = studio;
    const source = await uploadAndSettle(studio.base, studio.key, { name: "delete-me.tif", type: "image/tiff", bytes: await readFile(RASTER) }, "raster_source");
    expect(source.attributes.state).toBe("committed");
    const resourceId = Number(source.relationships.resource.data!.id);
    const resource = await db.prisma.resource.findUniqueOrThrow({ where: { id: resourceId }, include: { raster_source: true } });
    const layer = await db.prisma.rasterLayer.create({ data: { name: "Hillshade of delete-me", source_id: resource.raster_source!.id } });
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#0a0" } }).png().toBuffer();
    const image = await uploadAndSettle(studio.base, studio.key, { name: "delete-unused.png", type: "image/png", bytes: png }, "image_asset");

    const page = await signedInPage(studio.browser, studio.base, studio.key, "/studio/?q=delete-");
    const questions: string[] = [];
    const answerNext = (accept: boolean) =>
      page.once("dialog", (dialog) => {
        questions.push(dialog.message());
        void (accept ? dialog.accept() : dialog.dismiss());
      });

    await page.locator('[data-testid="card"][data-type="raster_source"]').click();
    await page.locator('[data-testid="detail"] h2', { hasText: "delete-me" }).waitFor();
    answerNext(false);
    await page.locator('[data-testid="detail"] button.danger').click();
    await page.locator('[data-testid="detail"] [role="alert"]', { hasText: "Not deleted." }).waitFor();
    expect(questions[0]).toContain("is in use");
    expect(questions[0]).toContain("1 raster_layer(s)");
    expect(questions[0]).toContain("Hillshade of delete-me");
    expect((await api(`/resources/${resourceId}`)).status).toBe(200);

    answerNext(true);
    await page.locator('[data-testid="detail"] button.danger').click();
    await page.locator('[data-testid="detail"]').waitFor({ state: "detached" });
    await page.locator('[data-testid="card"][data-type="raster_source"]').waitFor({ state: "detached" });
    expect(questions).toHaveLength(2);
    expect(questions[1]).toBe(questions[0]);
    expect((await api(`/resources/${resourceId}`)).status).toBe(404);
    // Lizard's view of the layer: it stays, naming the source it lost.
    const lizard = (await (await api(`/api/v4/rasters/${layer.uuid}/`)).json()) as { source: { deleted_sources: string[] } };
    expect(lizard.source.deleted_sources).toEqual([expect.stringContaining(resource.uuid)]);

    // Nothing uses the image: a plain question, and yes deletes it.
    await page.locator('[data-testid="card"]', { hasText: "delete-unused.png" }).click();
    await page.locator('[data-testid="detail"] h2', { hasText: "delete-unused.png" }).waitFor();
    answerNext(true);
    await page.locator('[data-testid="detail"] button.danger').click();
    await page.locator('[data-testid="detail"]').waitFor({ state: "detached" });
    expect(questions[2]).toBe('Delete "delete-unused.png"?');
    expect((await api(`/resources/${image.relationships.resource.data!.id}`)).status).toBe(404);
    await page.close();
  }, 180_000);
});
