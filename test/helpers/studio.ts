import { execFile } from "node:child_process";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium, type Browser, type Page } from "playwright-core";
import { createTestDatabase, type Database } from "@assets/core";
import { buildApp, seedDemo, serverPlugins } from "@assets/server";
import { createTestPipeline, testLogger } from "./app.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The server as `npm start` runs it (every default plugin), on a fresh database, with a browser. */
export interface StudioHarness {
  db: Database;
  base: string;
  browser: Browser;
  /** The demo superuser's API key. */
  key: string;
  close: () => Promise<void>;
}

/** Builds the app (as `npm start` would), starts the server on a free port and launches Debian's chromium. */
export async function startStudio(): Promise<StudioHarness> {
  await promisify(execFile)(`${root}/node_modules/.bin/vite`, ["build", "--config", "packages/studio/vite.config.ts", "--logLevel", "error"], { cwd: root });
  const db = await createTestDatabase({ plugins: serverPlugins() });
  const pipeline = await createTestPipeline(db, { plugins: serverPlugins() });
  const server: Server = buildApp(pipeline, testLogger).listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = (await seedDemo(db)).apiKey!;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  return {
    db,
    base,
    browser,
    key,
    close: async () => {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
      await pipeline.close();
      await db.close();
    },
  };
}

/**
 * Opens the studio at `path`, signs in with `key` and waits until the grid shows the signed-in
 * answer to the URL's filters (`data-ready` and `data-signed-in` on the grid), not the anonymous
 * list the page asked for before the sign-in.
 */
export async function signedInPage(browser: Browser, base: string, key: string, path = "/studio/"): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${base}${path}`);
  await page.fill('input[name="key"]', key);
  await page.click('button[type="submit"]');
  await page.locator('[data-testid="who"]').waitFor();
  if (!path.includes("#uploads")) await gridReady(page);
  return page;
}

/** Waits until the grid shows the answer to the current filters of a signed-in caller. */
export async function gridReady(page: Page): Promise<void> {
  await page.locator('[data-testid="grid"][data-ready="true"][data-signed-in="true"]').waitFor({ state: "attached", timeout: 60_000 });
}

/** Sends a file through the core's multipart POST /uploads and waits (on its state, polled) until the pipeline ends it. */
export async function uploadAndSettle(base: string, key: string, file: { name: string; type: string; bytes: Uint8Array | Buffer }, assetType?: string) {
  const form = new FormData();
  if (assetType) form.set("type", assetType);
  form.set("file", new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  const auth = { Authorization: `Bearer ${key}` };
  type UploadDocument = { data: { id: string; attributes: { state: string; state_detail: string | null }; relationships: { resource: { data: { id: string } | null } } } };
  const res = await fetch(`${base}/uploads`, { method: "POST", body: form, headers: auth });
  if (!res.ok) throw new Error(`POST /uploads: ${res.status} ${await res.text()}`);
  let upload = ((await res.json()) as UploadDocument).data;
  while (!["committed", "rejected"].includes(upload.attributes.state)) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    upload = ((await (await fetch(`${base}/uploads/${upload.id}`, { headers: auth })).json()) as UploadDocument).data;
  }
  return upload;
}
