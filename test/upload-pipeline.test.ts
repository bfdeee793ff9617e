import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough } from "node:stream";
import type { Express } from "express";
import request from "supertest";
import type { Database, Pipeline } from "@assets/core";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { coreutilsDigests, filesUnder, notesPlugin, waitForUpload } from "./helpers/pipeline.js";

describe("upload pipeline: multipart ingest, processing, states", () => {
  let db: Database;
  let app: Express;
  let pipeline: Pipeline & { root: string };
  let auth: Record<string, string>;
  let readOnly: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    ({ db, app, pipeline } = await createTestApp({ plugins: [notesPlugin], pipeline: { retry: { maxAttempts: 3, backoffBaseMs: 20, leaseMs: 2000 } } }));
    ({ auth } = await userWithKey(db, "uploader"));
    ({ auth: readOnly } = await userWithKey(db, "reader", { scopes: ["read"] }));
    dir = await mkdtemp(join(tmpdir(), "upload-test-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await db.close();
  });

  const upload = (file: Buffer | string, filename: string, fields: Record<string, string> = {}, headers: Record<string, string> = {}) => {
    const req = request(app).post("/uploads").set(auth).set(headers);
    for (const [name, value] of Object.entries(fields)) req.field(name, value);
    return req.attach("file", typeof file === "string" ? file : file, filename);
  };
  const rowCounts = async () => ({ uploads: await db.prisma.upload.count(), jobs: await db.prisma.job.count() });

  it("takes a 5 MB file through received -> processing -> committed with md5/sha256 equal to md5sum/sha256sum", async () => {
    const path = join(dir, "big.txt");
    await writeFile(path, randomBytes(5 * 1024 * 1024));
    const res = await upload(path, "big.txt", { author: "Ada", tags: "a,b" });
    expect(res.status).toBe(202);
    expect(res.body.data.attributes.state).toBe("received");
    const jobId = res.body.data.relationships.job.data.id;
    expect(res.headers.location).toMatch(new RegExp(`/jobs/${jobId}$`));
    expect(res.body.included[0]).toMatchObject({ type: "job", id: jobId });

    const done = await waitForUpload(app, auth, res.body.data.id);
    expect(done.attributes.state).toBe("committed");
    expect(done.attributes.attempts).toBe(1);
    const truth = coreutilsDigests(path);
    expect(done.attributes.md5).toBe(truth.md5);
    expect(done.attributes.sha256).toBe(truth.sha256);
    expect(done.attributes.size).toBe(5 * 1024 * 1024);
    expect(done.attributes.author).toBe("Ada");
    expect(done.attributes.tags).toEqual(["a", "b"]);

    // The type's commit hook ran once, in the same transaction: one resource, linked, with the processor's result.
    const resourceId = Number(done.relationships.resource.data.id);
    const resource = await db.prisma.resource.findUniqueOrThrow({ where: { id: resourceId } });
    expect(resource.extra_metadata).toEqual({ counted: 5 * 1024 * 1024 });
    expect(await db.prisma.resource.count({ where: { type: "note" } })).toBe(1);

    const job = await request(app).get(`/jobs/${jobId}`).set(auth);
    expect(job.status).toBe(200);
    expect(job.body.data.attributes).toMatchObject({ state: "succeeded", progress: 100, attempts: 1 });
  });

  it("stores the same bytes once: two uploads, one object, deleted with the last reference", async () => {
    const bytes = randomBytes(200_000);
    const sha = createHash("sha256").update(bytes).digest("hex");
    // .dat has no asset type, so no resource claims the bytes and the uploads may be deleted.
    const first = await waitForUpload(app, auth, (await upload(bytes, "same.dat")).body.data.id);
    const second = await waitForUpload(app, auth, (await upload(bytes, "same-again.dat")).body.data.id);
    expect(first.id).not.toBe(second.id);
    expect([first.attributes.sha256, second.attributes.sha256]).toEqual([sha, sha]);
    const objectPath = `objects/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`;
    expect((await filesUnder(pipeline.root)).filter((f) => f.endsWith(sha))).toEqual([objectPath]);
    // The second copy was dropped, not left staged.
    expect((await filesUnder(pipeline.root)).filter((f) => f.startsWith("tmp/") || f.startsWith(".staging/"))).toEqual([]);
    expect((await db.prisma.storedObject.findUniqueOrThrow({ where: { sha256: sha } })).refcount).toBe(2);

    expect((await request(app).delete(`/uploads/${first.id}`).set(auth)).status).toBe(204);
    expect(await filesUnder(pipeline.root)).toContain(objectPath);
    expect((await request(app).delete(`/uploads/${second.id}`).set(auth)).status).toBe(204);
    expect(await filesUnder(pipeline.root)).not.toContain(objectPath);
    expect(await db.prisma.storedObject.findUnique({ where: { sha256: sha } })).toBeNull();
  });

  it("answers a retry with the same Idempotency-Key with the first result and no second upload", async () => {
    const before = await rowCounts();
    const headers = { "Idempotency-Key": "retry-me-1" };
    const first = await upload(Buffer.from("hello idempotent"), "idem.txt", {}, headers);
    const again = await upload(Buffer.from("hello idempotent"), "idem.txt", {}, headers);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.body.data.id).toBe(first.body.data.id);
    expect((await rowCounts()).uploads).toBe(before.uploads + 1);
    // Another key is another upload.
    const other = await upload(Buffer.from("hello idempotent"), "idem.txt", {}, { "Idempotency-Key": "retry-me-2" });
    expect(other.body.data.id).not.toBe(first.body.data.id);
  });

  it("rejects bytes whose Content-MD5 or Digest does not match, leaving no row and no bytes", async () => {
    const before = await rowCounts();
    const wrongMd5 = createHash("md5").update("other bytes").digest("base64");
    const res = await upload(Buffer.from("the real bytes"), "sum.txt", {}, { "Content-MD5": wrongMd5 });
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ code: "CHECKSUM_MISMATCH" });
    expect(res.body.errors[0].detail).toContain("md5");
    const wrongSha = createHash("sha256").update("other bytes").digest("base64");
    const res2 = await upload(Buffer.from("the real bytes"), "sum.txt", {}, { "Repr-Digest": `sha-256=:${wrongSha}:` });
    expect(res2.status).toBe(400);
    expect(res2.body.errors[0].code).toBe("CHECKSUM_MISMATCH");
    expect(await rowCounts()).toEqual(before);
    expect((await filesUnder(pipeline.root)).filter((f) => !f.startsWith("objects/"))).toEqual([]);

    const rightSha = createHash("sha256").update("the real bytes").digest("base64");
    const ok = await upload(Buffer.from("the real bytes"), "sum.txt", {}, { Digest: `sha-256=${rightSha}` });
    expect(ok.status).toBe(202);
  });

  it("retries a processor that fails twice and commits on attempt 3", async () => {
    const res = await upload(Buffer.from("flaky"), "flaky.txt", { notes: "fail:2" });
    const done = await waitForUpload(app, auth, res.body.data.id);
    expect(done.attributes.state).toBe("committed");
    expect(done.attributes.attempts).toBe(3);
  });

  it("rejects with the processor's message once attempts are exhausted", async () => {
    const res = await upload(Buffer.from("doomed"), "doomed.txt", { notes: "always" });
    const done = await waitForUpload(app, auth, res.body.data.id);
    expect(done.attributes.state).toBe("rejected");
    expect(done.attributes.attempts).toBe(3);
    expect(done.attributes.state_detail).toContain("the processor always fails");
    const job = await request(app).get(`/jobs/${res.body.data.relationships.job.data.id}`).set(auth);
    expect(job.body.data.attributes.state).toBe("failed");
  });

  it("rejects at once on an unrecoverable error, with its reason", async () => {
    const res = await upload(Buffer.from("corrupt"), "corrupt.txt", { notes: "fatal" });
    const done = await waitForUpload(app, auth, res.body.data.id);
    expect(done.attributes).toMatchObject({ state: "rejected", attempts: 1 });
    expect(done.attributes.state_detail).toBe("count-bytes: the file is corrupt beyond repair");
  });

  it("rejects content whose sniffed type the asset type does not accept", async () => {
    const res = await upload(Buffer.from("<html><body>404 Not Found</body></html>"), "fake.png", {}, {});
    expect(res.status).toBe(202);
    const done = await waitForUpload(app, auth, res.body.data.id);
    expect(done.attributes.state).toBe("rejected");
    expect(done.attributes.state_detail).toMatch(/Unsupported content: .*png-image accepts image\/png/);
  });

  it("answers 413 above the type's size limit, keeping nothing", async () => {
    const before = await rowCounts();
    const res = await upload(randomBytes(10_000), "big.png");
    expect(res.status).toBe(413);
    expect(res.body.errors[0]).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(res.body.errors[0].detail).toContain("4096");
    expect(await rowCounts()).toEqual(before);
    expect((await filesUnder(pipeline.root)).filter((f) => !f.startsWith("objects/"))).toEqual([]);
  });

  it("refuses empty files, malformed bodies, missing file parts and non-multipart bodies with 4xx and no rows", async () => {
    const before = await rowCounts();
    const empty = await upload(Buffer.alloc(0), "empty.txt");
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0].code).toBe("EMPTY_FILE");

    const malformed = await request(app).post("/uploads").set(auth).set("Content-Type", "multipart/form-data; boundary=XYZ").send("--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nabc");
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].code).toMatch(/MALFORMED_UPLOAD|UPLOAD_INTERRUPTED/);

    const noBoundary = await request(app).post("/uploads").set(auth).set("Content-Type", "multipart/form-data").send("x");
    expect(noBoundary.status).toBe(400);
    expect(noBoundary.body.errors[0].code).toBe("MALFORMED_UPLOAD");

    const noFile = await request(app).post("/uploads").set(auth).field("author", "x");
    expect(noFile.status).toBe(400);
    expect(noFile.body.errors[0].detail).toContain("no part named 'file'");

    const text = await request(app).post("/uploads").set(auth).set("Content-Type", "text/plain").send("hello");
    expect(text.status).toBe(415);

    expect(await rowCounts()).toEqual(before);
    expect((await filesUnder(pipeline.root)).filter((f) => !f.startsWith("objects/"))).toEqual([]);
  });

  it("keeps a safe filename and the original one as metadata", async () => {
    // U+202E (right-to-left override) would make "passwd\u202etxt.exe" display as "passwdexe.txt".
    // Raw body: form-data (under supertest) would strip the directories itself.
    const body = Buffer.from(
      '--B\r\nContent-Disposition: form-data; name="file"; filename="../../etc/pass\u202ewd.txt"\r\nContent-Type: text/plain\r\n\r\nx\r\n--B--\r\n',
      "utf8",
    );
    const res = await request(app).post("/uploads").set(auth).set("Content-Type", "multipart/form-data; boundary=B").send(body);
    expect(res.status).toBe(202);
    const row = await db.prisma.upload.findUniqueOrThrow({ where: { id: Number(res.body.data.id) } });
    expect(row.filename).toBe("passwd.txt");
    expect(row.metadata).toMatchObject({ original_filename: "../../etc/pass\u202ewd.txt" });
    const unicode = await upload(Buffer.from("y"), "Zürich kaart.txt");
    expect((await db.prisma.upload.findUniqueOrThrow({ where: { id: Number(unicode.body.data.id) } })).filename).toBe("Zürich kaart.txt");
    expect(row.storage_key).toMatch(/^objects\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
  });

  it("needs credentials that may write", async () => {
    const anonymous = await request(app).post("/uploads").attach("file", Buffer.from("x"), "a.txt");
    expect(anonymous.status).toBe(401);
    const reader = await request(app).post("/uploads").set(readOnly).attach("file", Buffer.from("x"), "a.txt");
    expect(reader.status).toBe(403);
  });

  it("streams job progress as server-sent events until the job ends", async () => {
    const res = await upload(Buffer.from("events"), "events.txt");
    const jobId = res.body.data.relationships.job.data.id;
    const events = await request(app).get(`/jobs/${jobId}/events`).set(auth).buffer(true).parse((response, done) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => done(null, text));
    });
    expect(events.headers["content-type"]).toContain("text/event-stream");
    const names = [...(events.body as string).matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(names.at(-1)).toBe("succeeded");
    const last = JSON.parse((events.body as string).trim().split("\n").at(-1)!.slice("data: ".length));
    expect(last).toMatchObject({ id: jobId, state: "succeeded", progress: 100 });
  });

  it("attaches files only to resources the caller may change, and keeps committed files of a resource", async () => {
    const owner = await db.prisma.user.create({ data: { username: "someone-else" } });
    const hidden = await db.prisma.resource.create({ data: { type: "note", name: "not yours", owner_id: owner.id, access_modifier: "Private" } });
    const visible = await db.prisma.resource.create({ data: { type: "note", name: "look only", owner_id: owner.id, access_modifier: "Public" } });
    const before = await rowCounts();
    const notFound = await upload(Buffer.from("x"), "x.dat", { resource_id: String(hidden.id) });
    expect(notFound.status).toBe(404);
    const forbidden = await upload(Buffer.from("x"), "x.dat", { resource_id: String(visible.id) });
    expect(forbidden.status).toBe(403);
    expect(await rowCounts()).toEqual(before);
    expect((await filesUnder(pipeline.root)).filter((f) => !f.startsWith("objects/"))).toEqual([]);

    const committed = await waitForUpload(app, auth, (await upload(Buffer.from("belongs to a note"), "kept.txt")).body.data.id);
    const refused = await request(app).delete(`/uploads/${committed.id}`).set(auth);
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].detail).toContain("committed to resource");
  });

  it("lets a superuser see and list everyone's uploads, newest first", async () => {
    const res = await upload(Buffer.from("for the admin"), "admin-sees.txt");
    const { auth: admin } = await userWithKey(db, "admin", { superuser: true });
    expect((await request(app).get(`/uploads/${res.body.data.id}`).set(admin)).status).toBe(200);
    const list = await request(app).get("/uploads?page[limit]=1").set(admin);
    expect(list.body.meta.total_count).toBe(await db.prisma.upload.count());
    expect(list.body.data[0].id).toBe(res.body.data.id);
  });

  it("hides jobs of uploads the caller may not see", async () => {
    const res = await upload(Buffer.from("private"), "private.txt");
    const { auth: stranger } = await userWithKey(db, "stranger");
    const jobId = res.body.data.relationships.job.data.id;
    expect((await request(app).get(`/jobs/${jobId}`).set(stranger)).status).toBe(404);
    expect((await request(app).get(`/jobs/${jobId}`)).status).toBe(404);
    expect((await request(app).get(`/jobs/not-a-uuid`).set(auth)).status).toBe(404);
  });

  it("expires a requested upload past expires_at and deletes its partial bytes", async () => {
    await pipeline.storage.put("tmp/partial-test", (() => {
      const s = new PassThrough();
      s.end(Buffer.from("half of a file"));
      return s;
    })());
    const user = await db.prisma.user.findUniqueOrThrow({ where: { username: "uploader" } });
    const row = await db.prisma.upload.create({ data: { filename: "partial.bin", state: "requested", storage_key: "tmp/partial-test", uploader_id: user.id, expires_at: new Date(Date.now() - 1000) } });
    const report = await pipeline.sweeper.sweep(60_000);
    expect(report.expired).toBeGreaterThanOrEqual(1);
    const after = await db.prisma.upload.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.state).toBe("rejected");
    expect(after.state_detail).toMatch(/^Expired/);
    expect(await pipeline.storage.exists("tmp/partial-test")).toBe(false);
  });
});

describe("upload pipeline: parallel uploads and clients that go away", () => {
  let db: Database;
  let pipeline: Pipeline & { root: string };
  let server: Server;
  let port: number;
  let auth: Record<string, string>;

  beforeAll(async () => {
    let app: Express;
    ({ db, app, pipeline } = await createTestApp({ plugins: [notesPlugin], pipeline: { limits: { maxParallelUploads: 1 } } }));
    ({ auth } = await userWithKey(db, "parallel"));
    server = app.listen(0);
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await db.close();
  });

  /** Starts a multipart upload and sends only its first `bytes` bytes of file content. */
  function startPartialUpload(bytes: number) {
    const boundary = "PARTIAL";
    const req = httpRequest({ port, method: "POST", path: "/uploads", headers: { ...auth, "Content-Type": `multipart/form-data; boundary=${boundary}`, "Content-Length": String(10 * 1024 * 1024) } });
    req.on("error", () => undefined);
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.txt"\r\n\r\n`);
    req.write(randomBytes(bytes));
    return req;
  }
  /** Bytes in flight or left behind: anything not yet adopted into objects/ (staging files, tmp keys). */
  const stagedFiles = async () => (await filesUnder(pipeline.root)).filter((f) => !f.startsWith("objects/"));

  it("answers 429 with Retry-After past the per-user limit, and cleans up after a client that disconnects", async () => {
    const slow = startPartialUpload(256 * 1024);
    await waitUntil(async () => (await stagedFiles()).length === 1);

    const second = await request(server).post("/uploads").set(auth).attach("file", Buffer.from("second"), "second.txt");
    expect(second.status).toBe(429);
    expect(second.headers["retry-after"]).toBe("5");
    expect(second.body.errors[0]).toMatchObject({ code: "TOO_MANY_REQUESTS" });

    slow.destroy();
    await waitUntil(async () => (await stagedFiles()).length === 0);
    expect(await db.prisma.upload.count()).toBe(0);
    expect(await db.prisma.job.count()).toBe(0);

    // The slot is free again.
    const third = await request(server).post("/uploads").set(auth).attach("file", Buffer.from("third"), "third.txt");
    expect(third.status).toBe(202);
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}
