// The Lizard and GeoNode profiles' browsable API: ?format=api (or a browser's Accept) renders the
// JSON answer as an HTML page with its URLs as links that stay browsable, as Django REST
// framework does; ?format=json forces JSON; a format no renderer serves is a 404.
import request from "supertest";
import type { Server } from "node:http";
import type { Database } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { createTestApp, userWithKey } from "./helpers/app.js";

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

describe("browsable API on the DRF-shaped profiles", () => {
  let db: Database;
  // One listening server, so the URLs in answers (built from Host) are the same in each request.
  let app: Server;
  let auth: Record<string, string>;

  beforeAll(async () => {
    const test = await createTestApp({ plugins: [rasterSourcePlugin(), datasetPlugin()] });
    db = test.db;
    app = test.app.listen(0, "127.0.0.1");
    await new Promise((resolve) => app.once("listening", resolve));
    ({ auth } = await userWithKey(db, "browser", { superuser: true }));
    const organisation = await db.prisma.organisation.create({ data: { name: "Org" } });
    // A name that would be markup if it were not escaped.
    await db.prisma.resource.create({ data: { type: "raster_source", name: "<script>alert(1)</script> & co", access_modifier: "Public", organisation_id: organisation.id, raster_source: { create: {} } } });
  });
  afterAll(async () => {
    await new Promise((resolve) => app.close(resolve));
    await db.close();
  });

  it("renders a Lizard list as HTML: escaped values, URLs as links that keep format=api, the JSON link", async () => {
    const res = await request(app).get("/api/v4/rastersources/?format=api").set(auth);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.headers.vary).toMatch(/Accept/);
    expect(res.text).not.toContain("<script>alert(1)</script>");
    expect(res.text).toContain("&#60;script&#62;alert(1)&#60;/script&#62; &#38; co");
    const links = [...res.text.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1]!.replace(/&#38;/g, "&"));
    const detail = links.find((href) => /\/api\/v4\/rastersources\/[0-9a-f-]{36}\//.test(href))!;
    expect(new URL(detail).searchParams.get("format")).toBe("api");
    expect(links.some((href) => new URL(href, "http://x").searchParams.get("format") === "json")).toBe(true);
    // The page's JSON is the answer's JSON.
    const json = await request(app).get("/api/v4/rastersources/").set(auth);
    const shown = /<\/span>\n\n([\s\S]*)<\/pre>/.exec(res.text)![1]!.replace(/<[^>]+>/g, "").replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)));
    expect(JSON.parse(shown)).toEqual(json.body);
  });

  it("follows the browser's Accept, keeps JSON for API clients and for format=json, and 404s unknown formats", async () => {
    const browser = await request(app).get("/api/v4/rastersources/").set(auth).set("Accept", BROWSER_ACCEPT);
    expect(browser.headers["content-type"]).toMatch(/^text\/html/);
    const curl = await request(app).get("/api/v4/rastersources/").set(auth).set("Accept", "*/*");
    expect(curl.headers["content-type"]).toMatch(/^application\/json/);
    const forced = await request(app).get("/api/v4/rastersources/?format=json").set(auth).set("Accept", BROWSER_ACCEPT);
    expect(forced.headers["content-type"]).toMatch(/^application\/json/);
    expect(forced.body.count).toBe(1);
    const xml = await request(app).get("/api/v4/rastersources/?format=xml").set(auth);
    expect([xml.status, xml.body]).toEqual([404, { detail: "Not found." }]);
  });

  it("renders errors too, with their status", async () => {
    const res = await request(app).get("/api/v4/rastersources/00000000-0000-4000-8000-000000000000/?format=api").set(auth);
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.text).toContain("HTTP 404 Not Found");
    expect(res.text).toMatch(/&#34;detail&#34;: &#34;.*not found&#34;/i);
  });

  it("renders GeoNode's lists the same way", async () => {
    const res = await request(app).get("/api/v2/resources?format=api").set(auth);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.text).toContain("GeoNode API v2");
    const json = await request(app).get("/api/v2/resources").set(auth);
    expect(json.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.text).toContain(`&#34;total&#34;: ${json.body.total}`);
  });
});
