import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express, { Router, type Express } from "express";
import request from "supertest";
import { createAssetRouter, createTestDatabase, definePlugin, idempotency, sendJson, serviceContext, uploadRequestPath, type AssetPlugin, type Database, type Pipeline } from "@assets/core";
import { createTestPipeline, testLogger, userWithKey } from "./helpers/app.js";
import { coreutilsDigests, filesUnder, notesPlugin } from "./helpers/pipeline.js";

type Auth = Record<string, string>;

const SECRET = "test-secret-for-signed-upload-urls";

/** The documented signature: base64url HMAC-SHA256 of `PUT\n<uuid>\n<expires>` with the router's secret. */
function signedPath(uuid: string, expires: number, secret = SECRET): string {
  const signature = createHmac("sha256", secret).update(`PUT\n${uuid}\n${expires}`).digest("base64url");
  return `/signed-uploads/${uuid}?expires=${expires}&signature=${signature}`;
}

/**
 * A profile speaking a three-step upload over the core's signed uploads (`PluginHost.signedUploads`),
 * as DatoCMS's does at /datocms (test/datocms-client.test.ts), with the core's JSON:API errors.
 */
const threeStep: AssetPlugin = definePlugin({
  name: "three-step",
  prefix: "/three-step",
  routes: (host) => {
    const router = Router();
    router.post("/requests", async (req, res) => {
      const { upload, url } = await host.signedUploads.request(serviceContext(req), (req.body as { filename?: string }).filename, req);
      sendJson(req, res, 200, { data: { type: "upload_request", id: uploadRequestPath(upload), attributes: { url } } });
    });
    router.post("/complete", idempotency(), async (req, res) => {
      const { path, ...metadata } = req.body as { path: string };
      const { job } = await host.signedUploads.complete(serviceContext(req), path, metadata);
      sendJson(req, res, 202, { data: { type: "job", id: job.id } });
    });
    return router;
  },
});

function appFor(pipeline: Pipeline): Express {
  const app = express();
  app.use(createAssetRouter({ pipeline, logger: testLogger, signingSecret: SECRET }));
  return app;
}

/** An upload request for `filename`, through the profile. */
function requestUpload(app: Express, auth: Auth, filename?: string) {
  return request(app)
    .post("/three-step/requests")
    .set(auth)
    .send(filename === undefined ? {} : { filename });
}

/** The signed URL's path and query, to send to the in-process app. */
function pathOf(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

/** Completes the request `path` through the profile: `signedUploads.complete`. */
function createFromPath(app: Express, auth: Auth, path: string, attributes: Record<string, unknown> = {}) {
  return request(app)
    .post("/three-step/complete")
    .set(auth)
    .send({ path, ...attributes });
}

const uuidOf = (id: string) => id.split("/")[1]!;
/** Bytes outside content-addressed storage: temporary keys and in-progress writes. */
const leftovers = async (root: string) => (await filesUnder(root)).filter((f) => !f.startsWith("objects/"));

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("signed uploads: a request, the signed PUT to the core, the completion", () => {
  let db: Database;
  let app: Express;
  let pipeline: Pipeline & { root: string };
  /** The same database behind a pipeline whose requests expire after 2 s. */
  let shortLived: { app: Express; pipeline: Pipeline & { root: string } };
  let server: Server;
  let port: number;
  let auth: Auth;
  let other: Auth;
  let reader: Auth;
  let ownerId: number;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    pipeline = await createTestPipeline(db, { plugins: [notesPlugin, threeStep] });
    app = appFor(pipeline);
    const short = await createTestPipeline(db, { plugins: [notesPlugin, threeStep], limits: { requestTtlMs: 2000 }, worker: false });
    shortLived = { app: appFor(short), pipeline: short };
    const owner = await userWithKey(db, "requester");
    ({ auth } = owner);
    ownerId = owner.user.id;
    ({ auth: other } = await userWithKey(db, "someone-else"));
    ({ auth: reader } = await userWithKey(db, "read-only", { scopes: ["read"] }));
    server = app.listen(0);
    port = (server.address() as AddressInfo).port;
    dir = await mkdtemp(join(tmpdir(), "signed-uploads-"));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
    await pipeline.close();
    await shortLived.pipeline.close();
    await db.close();
  });

  const counts = async () => ({ uploads: await db.prisma.upload.count(), jobs: await db.prisma.job.count() });
  const rowOf = (id: string) => db.prisma.upload.findUniqueOrThrow({ where: { uuid: uuidOf(id) } });
  /** A fresh request: its id (path) and the signed URL's path. */
  const newRequest = async (filename: string, as: Auth = auth) => {
    const res = await requestUpload(app, as, filename);
    expect(res.status).toBe(200);
    return { id: res.body.data.id as string, put: pathOf(res.body.data.attributes.url) };
  };

  it("creates a requested upload with a sanitized filename and a signed URL that expires with it", async () => {
    const before = await counts();
    const started = Date.now();
    const res = await requestUpload(app, auth, "../../etc/a b.png");
    expect(res.status).toBe(200);
    expect(res.body.data.id).toMatch(/^\/[0-9a-f-]{36}\/a b\.png$/);
    const url = new URL(res.body.data.attributes.url);
    expect(url.pathname).toBe(`/signed-uploads/${uuidOf(res.body.data.id)}`);
    expect(url.searchParams.get("signature")).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const row = await rowOf(res.body.data.id);
    expect(row).toMatchObject({ state: "requested", uploader_id: ownerId, filename: "a b.png", storage_key: null, size: null });
    expect(row.metadata).toEqual({ original_filename: "../../etc/a b.png" });
    // The URL's expiry is the row's, the pipeline's request TTL from now (whole seconds).
    expect(Number(url.searchParams.get("expires")) * 1000).toBe(row.expires_at!.getTime());
    expect(row.expires_at!.getTime()).toBeGreaterThan(started + pipeline.limits.requestTtlMs - 1000);
    expect(row.expires_at!.getTime()).toBeLessThanOrEqual(Date.now() + pipeline.limits.requestTtlMs);
    expect(await counts()).toEqual({ uploads: before.uploads + 1, jobs: before.jobs });
  });

  it("signs URLs under the router's mount path when a host app mounts it below /", async () => {
    const host = express();
    host.use("/cms", createAssetRouter({ pipeline, logger: testLogger, signingSecret: SECRET }));
    const res = await request(host).post("/cms/three-step/requests").set(auth).send({ filename: "mounted.txt" });
    expect(res.status).toBe(200);
    const put = pathOf(res.body.data.attributes.url);
    expect(put).toBe(`/cms${signedPath(uuidOf(res.body.data.id), Number(new URL(res.body.data.attributes.url).searchParams.get("expires")))}`);
    expect((await request(host).put(put).send(Buffer.from("mounted bytes"))).status).toBe(200);
    const row = await rowOf(res.body.data.id);
    expect(row.sha256).toBe(createHash("sha256").update("mounted bytes").digest("hex"));
    await db.prisma.upload.delete({ where: { id: row.id } });
    await pipeline.storage.delete(row.storage_key!);
  });

  it("takes a file through request -> PUT -> completion -> job with md5/sha256 equal to md5sum/sha256sum", async () => {
    const before = await counts();
    const path = join(dir, "report.txt");
    await writeFile(path, randomBytes(1536 * 1024));
    const truth = coreutilsDigests(path);
    const { id, put } = await newRequest("report.txt");

    const uploaded = await request(app).put(put).set("Content-Type", "text/plain").send(await readFile(path));
    expect(uploaded.status).toBe(200);
    expect(uploaded.text).toBe("");
    expect(uploaded.headers.etag).toBe(`"${truth.md5}"`);
    const staged = await rowOf(id);
    expect(staged).toMatchObject({ state: "requested", md5: truth.md5, sha256: truth.sha256, size: BigInt(1536 * 1024), mime_type: "text/plain" });
    expect(staged.storage_key).toMatch(/^tmp\//);
    expect(await leftovers(pipeline.root)).toEqual([staged.storage_key]);

    const created = await createFromPath(app, auth, id, { author: "Ada", copyright: "2024 Ada", notes: "quarterly", tags: ["report", "q1"], default_field_metadata: { en: { alt: "a report", title: null } } });
    expect(created.status).toBe(202);
    const jobId = created.body.data.id as string;

    // The core's job and upload routes report it like any other upload.
    let job = await request(app).get(`/jobs/${jobId}`).set(auth);
    const deadline = Date.now() + 15_000;
    while (!["succeeded", "failed"].includes(job.body.data?.attributes?.state) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      job = await request(app).get(`/jobs/${jobId}`).set(auth);
    }
    expect(job.body.data.attributes.state).toBe("succeeded");
    expect(job.body.data.relationships.upload.data.id).toBe(String(staged.id)); // the request itself became the upload
    const upload = (await request(app).get(`/uploads/${staged.id}`).set(auth)).body.data;
    expect(upload.attributes).toMatchObject({
      state: "committed",
      filename: "report.txt",
      md5: truth.md5,
      sha256: truth.sha256,
      size: 1536 * 1024,
      author: "Ada",
      copyright: "2024 Ada",
      notes: "quarterly",
      tags: ["report", "q1"],
      default_field_metadata: { en: { alt: "a report", title: null } },
      expires_at: null,
    });
    // The bytes moved to their content address; nothing temporary is left, one upload and one job were added.
    const objectPath = `objects/${truth.sha256.slice(0, 2)}/${truth.sha256.slice(2, 4)}/${truth.sha256}`;
    expect(await filesUnder(pipeline.root)).toContain(objectPath);
    expect(await leftovers(pipeline.root)).toEqual([]);
    expect(await counts()).toEqual({ uploads: before.uploads + 1, jobs: before.jobs + 1 });
  });

  it("needs credentials that may write to request an upload", async () => {
    const before = await counts();
    expect((await requestUpload(app, {}, "a.txt")).status).toBe(401);
    const readOnly = await requestUpload(app, reader, "a.txt");
    expect(readOnly.status).toBe(403);
    expect(readOnly.body.errors[0].code).toBe("FORBIDDEN");
    expect(await counts()).toEqual(before);
  });

  it("refuses forged or tampered signatures with 403 INVALID_SIGNATURE, keeping no bytes", async () => {
    const { id, put } = await newRequest("target.txt");
    const { put: otherPut } = await newRequest("other.txt");
    const url = new URL(put, "http://x");
    const uuid = uuidOf(id);
    const expires = Number(url.searchParams.get("expires"));
    const signature = url.searchParams.get("signature")!;
    const flipped = (signature[0] === "A" ? "B" : "A") + signature.slice(1);
    const forged = [
      `/signed-uploads/${uuid}?expires=${expires}&signature=${flipped}`,
      `/signed-uploads/${uuid}?expires=${expires + 3600}&signature=${signature}`, // a longer life with the old signature
      `/signed-uploads/${uuid}?${new URL(otherPut, "http://x").searchParams}`, // another request's signature
      `/signed-uploads/${uuid}?expires=${expires}`,
      `/signed-uploads/${uuid}?expires=soon&signature=${signature}`,
      `/signed-uploads/${randomUUID()}?expires=${expires}&signature=${signature}`,
    ];
    for (const path of forged) {
      const res = await request(app).put(path).send(Buffer.from("forged bytes"));
      expect(res.status).toBe(403);
      expect(res.body.errors[0]).toMatchObject({ status: "403", code: "INVALID_SIGNATURE" });
    }
    // Signed with another secret (another process without the shared secret): refused too.
    const foreign = await request(app).put(signedPath(uuid, expires, "some-other-secret-of-16+")).send(Buffer.from("x"));
    expect(foreign.status).toBe(403);
    // The documented scheme with our secret is accepted; here with an expiry that has passed, so 410.
    const expired = await request(app).put(signedPath(uuid, Math.floor(Date.now() / 1000) - 1)).send(Buffer.from("x"));
    expect(expired.status).toBe(410);
    expect(expired.body.errors[0]).toMatchObject({ code: "LINK_EXPIRED" });
    expect(put).toBe(signedPath(uuid, expires));
    expect(await rowOf(id)).toMatchObject({ state: "requested", storage_key: null, sha256: null });
    expect(await leftovers(pipeline.root)).toEqual([]);
  });

  it("lets a browser PUT from any origin: preflight, and the answer (ETag or error) readable by the page", async () => {
    const { id, put } = await newRequest("browser.txt");
    const origin = "https://editor.example.com";
    const preflight = await request(app)
      .options(put)
      .set("Origin", origin)
      .set("Access-Control-Request-Method", "PUT")
      .set("Access-Control-Request-Headers", "content-type,content-md5");
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "PUT",
      "access-control-allow-headers": "content-type,content-md5",
    });
    const bytes = Buffer.from("from a web page");
    const md5 = createHash("md5").update(bytes).digest();
    const refused = await request(app).put(put).set("Origin", origin).set("Content-MD5", Buffer.alloc(16).toString("base64")).send(bytes);
    expect(refused.status).toBe(400);
    expect(refused.headers["access-control-allow-origin"]).toBe("*");
    const res = await request(app).put(put).set("Origin", origin).set("Content-MD5", md5.toString("base64")).send(bytes);
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ "access-control-allow-origin": "*", "access-control-expose-headers": "ETag", etag: `"${md5.toString("hex")}"` });
    const row = await rowOf(id);
    await db.prisma.upload.delete({ where: { id: row.id } });
    await pipeline.storage.delete(row.storage_key!);
  });

  it("refuses a zero-length PUT with 400 EMPTY_FILE and keeps the request usable", async () => {
    const { id, put } = await newRequest("empty.txt");
    const res = await request(app).put(put).send(Buffer.alloc(0));
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: "EMPTY_FILE" });
    expect(await rowOf(id)).toMatchObject({ state: "requested", storage_key: null, size: null });
    expect(await leftovers(pipeline.root)).toEqual([]);
    // The same URL still takes the real bytes.
    const retry = await request(app).put(put).send(Buffer.from("now with content"));
    expect(retry.status).toBe(200);
    const row = await rowOf(id);
    expect(row.size).toBe(BigInt(16));
    await db.prisma.upload.delete({ where: { id: row.id } });
    await pipeline.storage.delete(row.storage_key!);
  });

  it("refuses bytes that do not match Content-MD5 with 400 CHECKSUM_MISMATCH, keeping nothing", async () => {
    const { id, put } = await newRequest("sum.txt");
    const wrong = createHash("md5").update("other bytes").digest("base64");
    const res = await request(app).put(put).set("Content-MD5", wrong).send(Buffer.from("the real bytes"));
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe("CHECKSUM_MISMATCH");
    expect(await rowOf(id)).toMatchObject({ state: "requested", storage_key: null });
    expect(await leftovers(pipeline.root)).toEqual([]);
  });

  it("answers 413 for a PUT above the type's limit, announced or streamed, keeping nothing", async () => {
    const { id, put } = await newRequest("big.png"); // png-image: at most 4096 bytes
    const before = await counts();
    const announced = await request(app).put(put).send(randomBytes(10_000));
    expect(announced.status).toBe(413);
    expect(announced.body.errors[0]).toMatchObject({ code: "PAYLOAD_TOO_LARGE", meta: { max_size: 4096 } });

    // Chunked, without Content-Length: the stream is cut once it passes the limit.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest({ port, method: "PUT", path: put, headers: { "Transfer-Encoding": "chunked" } }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.write(randomBytes(3000));
      setTimeout(() => req.end(randomBytes(3000)), 20);
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).errors[0].code).toBe("PAYLOAD_TOO_LARGE");

    expect(await rowOf(id)).toMatchObject({ state: "requested", storage_key: null });
    expect(await leftovers(pipeline.root)).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it("keeps nothing when the client disconnects mid-PUT; the request stays requested and the URL can be retried", async () => {
    const { id, put } = await newRequest("slow.txt");
    const req = httpRequest({ port, method: "PUT", path: put, headers: { "Content-Length": String(10 * 1024 * 1024) } });
    req.on("error", () => undefined);
    req.write(randomBytes(256 * 1024));
    await waitUntil(async () => (await leftovers(pipeline.root)).length === 1);
    req.destroy();
    await waitUntil(async () => (await leftovers(pipeline.root)).length === 0);
    expect(await rowOf(id)).toMatchObject({ state: "requested", storage_key: null, size: null });

    const retry = await request(app).put(put).send(Buffer.from("complete this time"));
    expect(retry.status).toBe(200);
    expect((await rowOf(id)).storage_key).toMatch(/^tmp\//);
    await db.prisma.upload.delete({ where: { uuid: uuidOf(id) } });
    for (const key of await leftovers(pipeline.root)) await pipeline.storage.delete(key);
  });

  it("takes one PUT per URL: a second one, even concurrent, is a 409 and the first bytes stay", async () => {
    const { id, put } = await newRequest("once.txt");
    const [a, b] = await Promise.all([request(app).put(put).send(Buffer.from("first bytes")), request(app).put(put).send(Buffer.from("second bytes"))]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? "first bytes" : "second bytes";
    const row = await rowOf(id);
    expect(row.sha256).toBe(createHash("sha256").update(winner).digest("hex"));
    const loser = a.status === 409 ? a : b;
    expect(loser.body.errors[0]).toMatchObject({ code: "CONFLICT" });
    expect(await leftovers(pipeline.root)).toEqual([row.storage_key]);

    const third = await request(app).put(put).send(Buffer.from("third bytes"));
    expect(third.status).toBe(409);
    expect((await rowOf(id)).sha256).toBe(row.sha256);
    expect(await leftovers(pipeline.root)).toEqual([row.storage_key]);
    await db.prisma.upload.delete({ where: { uuid: uuidOf(id) } });
    await pipeline.storage.delete(row.storage_key!);
  });

  it("answers a retried completion with the same Idempotency-Key with the first job, not a conflict", async () => {
    const { id, put } = await newRequest("idempotent.txt");
    expect((await request(app).put(put).send(Buffer.from(`idempotent ${randomUUID()}`))).status).toBe(200);
    const before = await counts();
    const first = await createFromPath(app, auth, id).set("Idempotency-Key", "complete-once");
    const retry = await createFromPath(app, auth, id).set("Idempotency-Key", "complete-once");
    expect(first.status).toBe(202);
    expect(retry.status).toBe(202);
    expect(retry.headers["idempotent-replayed"]).toBe("true");
    expect(retry.body).toEqual(first.body);
    expect(await counts()).toEqual({ uploads: before.uploads, jobs: before.jobs + 1 });
  });

  it("refuses to create from an unknown path, another user's request, or a request without bytes, changing nothing", async () => {
    const mine = await newRequest("mine.txt");
    const theirs = await newRequest("theirs.txt", other);
    expect((await request(app).put(theirs.put).send(Buffer.from("their bytes"))).status).toBe(200);
    const before = await counts();

    for (const path of [`/${randomUUID()}/mine.txt`, "/45/1496845848-digital-cats.jpg", theirs.id]) {
      const res = await createFromPath(app, auth, path);
      expect(res.status).toBe(404);
      expect(res.body.errors[0]).toMatchObject({ code: "NOT_FOUND", source: { pointer: "/data/attributes/path" } });
    }
    const noBytes = await createFromPath(app, auth, mine.id);
    expect(noBytes.status).toBe(409);
    expect(noBytes.body.errors[0].detail).toMatch(/PUT the file/);
    expect((await createFromPath(app, {}, mine.id)).status).toBe(401);

    expect(await counts()).toEqual(before);
    expect(await rowOf(theirs.id)).toMatchObject({ state: "requested", uploader_id: expect.any(Number) });
    expect((await rowOf(theirs.id)).storage_key).toMatch(/^tmp\//);
    expect(await rowOf(mine.id)).toMatchObject({ state: "requested", storage_key: null });
    await pipeline.storage.delete((await rowOf(theirs.id)).storage_key!);
    await db.prisma.upload.deleteMany({ where: { uuid: { in: [uuidOf(mine.id), uuidOf(theirs.id)] } } });
  });

  it("completes a request once: concurrent or repeated completions and later PUTs are 409s", async () => {
    const { id, put } = await newRequest("single.txt");
    const bytes = Buffer.from(`single ${randomUUID()}`);
    expect((await request(app).put(put).send(bytes)).status).toBe(200);
    const before = await counts();
    const [a, b] = await Promise.all([createFromPath(app, auth, id), createFromPath(app, auth, id)]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const again = await createFromPath(app, auth, id);
    expect(again.status).toBe(409);
    expect(again.body.errors[0].code).toBe("CONFLICT");
    const latePut = await request(app).put(put).send(Buffer.from("late"));
    expect(latePut.status).toBe(409);

    expect(await counts()).toEqual({ uploads: before.uploads, jobs: before.jobs + 1 });
    const sha = createHash("sha256").update(bytes).digest("hex");
    expect((await db.prisma.storedObject.findUniqueOrThrow({ where: { sha256: sha } })).refcount).toBe(1);
    expect((await rowOf(id)).storage_key).toMatch(/^objects\//);
  });

  it("answers 410 LINK_EXPIRED to a PUT or a completion after expiry; the sweeper then removes the request's bytes", async () => {
    const { app: shortApp, pipeline: short } = shortLived;
    const idle = (await requestUpload(shortApp, auth, "idle.txt")).body.data;
    const sent = (await requestUpload(shortApp, auth, "sent.txt")).body.data;
    expect((await request(shortApp).put(pathOf(sent.attributes.url)).send(Buffer.from("bytes that arrive in time"))).status).toBe(200);
    const expiry = Math.max(...[idle, sent].map((r) => Number(new URL(r.attributes.url).searchParams.get("expires")) * 1000));
    await new Promise((r) => setTimeout(r, expiry - Date.now() + 50));
    const tmpKey = (await rowOf(sent.id)).storage_key!;
    expect(await leftovers(short.root)).toEqual([tmpKey]);
    const before = await counts();

    const latePut = await request(shortApp).put(pathOf(idle.attributes.url)).send(Buffer.from("too late"));
    expect(latePut.status).toBe(410);
    expect(latePut.body.errors[0]).toMatchObject({ code: "LINK_EXPIRED", status: "410" });
    const lateCreate = await createFromPath(shortApp, auth, sent.id);
    expect(lateCreate.status).toBe(410);
    expect(lateCreate.body.errors[0].code).toBe("LINK_EXPIRED");
    expect(await leftovers(short.root)).toEqual([tmpKey]);
    expect(await counts()).toEqual(before);

    const report = await short.sweeper.sweep(60_000);
    expect(report.expired).toBe(2);
    expect(await rowOf(idle.id)).toMatchObject({ state: "rejected", storage_key: null });
    expect(await rowOf(sent.id)).toMatchObject({ state: "rejected", storage_key: null });
    expect(await filesUnder(short.root)).toEqual([]);
    // Swept requests stay expired.
    expect((await createFromPath(shortApp, auth, sent.id)).status).toBe(410);
    expect((await request(shortApp).put(pathOf(sent.attributes.url)).send(Buffer.from("x"))).status).toBe(410);
    expect(await counts()).toEqual(before);
  });
});
