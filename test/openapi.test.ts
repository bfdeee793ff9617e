// The OpenAPI documents (issue 14 §2): one for the core at /openapi.json and one per profile at
// <prefix>/openapi.json, built from the route declarations. swagger-parser (the validator the issue
// names) must accept each, and every route mounted on the Express app must be in one of them.
import SwaggerParser from "@apidevtools/swagger-parser";
import type { Express } from "express";
import request from "supertest";
import { mountedRoutes, openApiPath, type Database } from "@assets/core";
import { apidatatoolsPlugin } from "@assets/apidatatools";
import { datasetPlugin } from "@assets/dataset";
import { imageAssetPlugin } from "@assets/image-asset";
import { rasterSourcePlugin } from "@assets/raster-source";
import { createTestApp } from "./helpers/app.js";

const MOUNT = "/cms";
const PROFILES = ["/datocms", "/api/v4", "/api/v2", "/list-uploads-api"];

/**
 * Routes not yet declared with `route()`, as `METHOD path` below the mount point: each is a gap in the
 * documents, listed so that a new undeclared route still fails. Shrinks as routes are converted.
 */
const NOT_YET_DECLARED = new Set<string>([
]);

interface OpenApi {
  openapi: string;
  servers?: { url: string }[];
  paths: Record<string, Record<string, { operationId: string }>>;
}

describe("OpenAPI documents", () => {
  let db: Database;
  let app: Express;
  const documents = new Map<string, OpenApi>();

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ mount: MOUNT, plugins: [rasterSourcePlugin(), datasetPlugin(), imageAssetPlugin(), apidatatoolsPlugin()] }));
    for (const prefix of ["", ...PROFILES]) {
      const res = await request(app).get(`${MOUNT}${prefix}/openapi.json`);
      expect(res.status).toBe(200);
      documents.set(prefix, res.body as OpenApi);
    }
  });
  afterAll(async () => {
    await db.close();
  });

  it.each(["", ...PROFILES])("serves a valid OpenAPI 3.1 document at %s/openapi.json", async (prefix) => {
    const document = documents.get(prefix)!;
    expect(document.openapi).toBe("3.1.0");
    expect(document.servers?.[0]?.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+${MOUNT}${prefix}$`));
    // swagger-parser dereferences in place: give it a copy.
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
    expect(Object.keys(document.paths)).toContain("/openapi.json");
  });

  it("documents every route mounted on the app, each in exactly one document", () => {
    const documented = new Map<string, string>();
    for (const [prefix, document] of documents) {
      for (const [path, item] of Object.entries(document.paths)) {
        for (const method of Object.keys(item)) {
          // A document's `/` is its server URL itself.
          const key = `${method.toUpperCase()} ${MOUNT}${prefix}${path === "/" && prefix ? "" : path}`;
          expect(documented.has(key) ? `${key} twice` : key).toBe(key);
          documented.set(key, prefix);
        }
      }
    }
    const routes = mountedRoutes(app.router as never);
    expect(routes.length).toBeGreaterThan(60);
    const missing = routes
      .map(({ method, path }) => ({ method, path: openApiPath(path) }))
      .filter(({ method, path }) => {
        // A method guard (router.all answering 405) belongs to a documented path.
        if (method === "ALL") return ![...documented.keys()].some((key) => key.endsWith(` ${path}`));
        return !documented.has(`${method} ${path}`);
      })
      .map(({ method, path }) => `${method} ${path}`)
      .filter((key) => !NOT_YET_DECLARED.has(key.replace(` ${MOUNT}/`, " /")));
    expect(missing).toEqual([]);
  });

  it("documents tus 1.0 at /uploads/tus: its methods, headers and media type", () => {
    const paths = documents.get("")!.paths as unknown as Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, unknown> }; responses: Record<string, { headers?: Record<string, unknown> }> }>>;
    expect(Object.keys(paths["/uploads/tus"]!).sort()).toEqual(["options", "post"]);
    expect(Object.keys(paths["/uploads/tus/{id}"]!).sort()).toEqual(["delete", "head", "options", "patch"]);
    const create = paths["/uploads/tus"]!.post!;
    expect(create.parameters!.filter((p) => p.in === "header").map((p) => p.name)).toEqual(expect.arrayContaining(["Tus-Resumable", "Upload-Length", "Upload-Defer-Length", "Upload-Metadata"]));
    expect(Object.keys(create.responses["201"]!.headers!)).toEqual(expect.arrayContaining(["Location", "Tus-Resumable"]));
    const patch = paths["/uploads/tus/{id}"]!.patch!;
    expect(Object.keys(patch.requestBody!.content)).toEqual(["application/offset+octet-stream"]);
    expect(patch.parameters!.map((p) => p.name)).toContain("Upload-Offset");
    expect(Object.keys(paths["/uploads/tus/{id}"]!.head!.responses["200"]!.headers!)).toContain("Upload-Offset");
  });

  it("documents the Lizard window query from the schema that validates it", () => {
    const get = documents.get("/api/v4")!.paths["/rastersources/{uuid}/data/"]!.get as unknown as { parameters: { name: string; required?: boolean; schema: { type?: string } }[] };
    const byName = Object.fromEntries(get.parameters.map((p) => [p.name, p]));
    expect(byName.bbox).toMatchObject({ required: true, schema: { type: "string" } });
    expect(byName.width).toMatchObject({ required: false, schema: { type: "integer" } });
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(["height", "projection", "time", "band", "format", "colormap", "min", "max"]));
  });

  it("gives the main lists and items real schemas: core uploads and resources, GeoNode's resources", () => {
    const core = documents.get("")! as unknown as OpenApi & { components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    const ok = (path: string, method = "get") => JSON.stringify((core.paths[path]![method] as unknown as { responses: Record<string, unknown> }).responses["200"] ?? {});
    expect(ok("/uploads")).toContain("#/components/schemas/UploadList");
    expect(ok("/uploads/{id}")).toContain("#/components/schemas/UploadItem");
    expect(ok("/resources")).toContain("#/components/schemas/ResourceList");
    expect(Object.keys(core.components.schemas.Upload!.properties!)).toEqual(expect.arrayContaining(["type", "id", "attributes", "relationships"]));
    const geonode = documents.get("/api/v2")! as unknown as { components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
    expect(Object.keys(geonode.components.schemas.GeonodeResource!.properties!)).toEqual(expect.arrayContaining(["pk", "uuid", "title", "resource_type", "owner"]));
  });

  it("describes a JSON:API list's query parameters from its field catalogue", () => {
    const list = documents.get("")!.paths["/resources"]!.get as unknown as { parameters: { name: string; in: string }[] };
    const names = list.parameters.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["filter[ids]", "filter[query]", "filter[fields][name][eq]", "order_by", "page[offset]", "page[limit]"]));
  });
});

describe("GeoNode's GET /api/v2/schema/", () => {
  let db: Database;
  let app: Express;

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ plugins: [rasterSourcePlugin(), datasetPlugin()] }));
  });
  afterAll(async () => {
    await db.close();
  });

  it("serves the profile's document, negotiated as drf-spectacular does, that swagger-parser accepts", async () => {
    const json = await request(app).get("/api/v2/schema/").set("Accept", "application/vnd.oai.openapi+json");
    expect(json.status).toBe(200);
    expect(json.headers["content-type"]).toMatch(/^application\/vnd\.oai\.openapi\+json/);
    const document = JSON.parse(json.text) as OpenApi;
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
    expect(document.openapi).toMatch(/^3\./);
    // The same document as /api/v2/openapi.json, and it names this path too.
    expect(document.paths).toEqual(((await request(app).get("/api/v2/openapi.json")).body as OpenApi).paths);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/schema/", "/resources/", "/datasets/{id}/", "/uploads/upload", "/executionrequest/{id}"]));

    expect((await request(app).get("/api/v2/schema/?format=json")).headers["content-type"]).toMatch(/^application\/vnd\.oai\.openapi\+json/);
    // Without a JSON Accept the YAML media type, whose text (JSON) a YAML 1.2 reader reads.
    const yaml = await request(app).get("/api/v2/schema/").buffer(true).parse((res, done) => {
      let text = "";
      res.on("data", (chunk: Buffer) => (text += chunk.toString()));
      res.on("end", () => done(null, text));
    });
    expect(yaml.headers["content-type"]).toMatch(/^application\/vnd\.oai\.openapi(;|$)/);
    expect((JSON.parse(yaml.body as string) as OpenApi).paths).toEqual(document.paths);
  });

  it("describes the dynamic-rest list parameters of /resources/ from its field catalogue", async () => {
    const document = (await request(app).get("/api/v2/openapi.json")).body as { paths: Record<string, Record<string, { parameters: { name: string }[] }>> };
    const names = document.paths["/resources/"]!.get!.parameters.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["filter{title}", "filter{owner.username}", "search", "sort[]", "include[]", "exclude[]", "api_preset", "page", "page_size"]));
  });
});

describe("API reference pages", () => {
  let db: Database;
  let app: Express;

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ mount: MOUNT, plugins: [rasterSourcePlugin(), datasetPlugin()] }));
  });
  afterAll(async () => {
    await db.close();
  });

  it.each(["", "/api/v4", "/api/v2"])("serves Swagger UI at %s/reference/ from the package, with nothing from another host", async (prefix) => {
    const base = `${MOUNT}${prefix}/reference/`;
    const page = await request(app).get(base);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.text).not.toMatch(/(https?:)?\/\//);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, url]) => url!);
    expect(assets.sort()).toEqual(["init.js", "swagger-ui-bundle.js", "swagger-ui.css"]);
    for (const asset of assets) {
      const res = await request(app).get(`${base}${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toMatch(asset.endsWith(".css") ? /^text\/css/ : /^text\/javascript/);
      expect(res.body.length || res.text.length).toBeGreaterThan(0);
    }
    const init = await request(app).get(`${base}init.js`);
    expect(init.text).not.toMatch(/https?:\/\//);
    // The document the page loads, relative to it.
    expect(init.text).toContain('"../openapi.json"');
    const document = await request(app).get(`${MOUNT}${prefix}/openapi.json`);
    expect(document.status).toBe(200);
  });

  it("redirects /reference to /reference/ so the page's relative URLs resolve", async () => {
    const res = await request(app).get(`${MOUNT}/api/v4/reference`);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(`${MOUNT}/api/v4/reference/`);
  });

  it("serves only the page's own files", async () => {
    expect((await request(app).get(`${MOUNT}/reference/package.json`)).status).toBe(404);
    expect((await request(app).get(`${MOUNT}/reference/..%2Fpackage.json`)).status).toBe(404);
  });
});
