import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jest } from "@jest/globals";
import express, { type Express } from "express";
import { ChecksummedFileStore, LocalDiskStorage, createAssetRouter, createTestDatabase, objectKey, type Database, type Pipeline } from "@assets/core";
import { createTestPipeline, testLogger, userWithKey } from "./helpers/app.js";
import { coreutilsDigests, filesUnder, notesPlugin, waitForUpload } from "./helpers/pipeline.js";

const MiB = 1024 * 1024;
const LIMIT = 16 * MiB;

/** A database, a pipeline and the asset router on a real port, with its own tus directory. */
async function startTusApp(options: { db?: Database; ttlMs?: number } = {}) {
  const ownDb = !options.db;
  const db = options.db ?? (await createTestDatabase());
  const pipeline = await createTestPipeline(db, { plugins: [notesPlugin], limits: { maxUploadSize: LIMIT, ...(options.ttlMs ? { requestTtlMs: options.ttlMs } : {}) } });
  const tusDir = await mkdtemp(join(tmpdir(), "tus-test-"));
  const stop = new AbortController();
  const app = express();
  app.use(createAssetRouter({ pipeline, logger: testLogger, tusDirectory: tusDir, signal: stop.signal }));
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  const close = async () => {
    stop.abort();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await pipeline.close();
    if (ownDb) await db.close();
    await rm(tusDir, { recursive: true, force: true });
  };
  return { db, pipeline, app, server, port, base: `http://127.0.0.1:${port}`, tusDir, close };
}

const b64 = (value: string) => Buffer.from(value).toString("base64");
const metadata = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([key, value]) => `${key} ${b64(value)}`)
    .join(",");
const digest = (algorithm: string, bytes: Buffer) => createHash(algorithm).update(bytes).digest("base64");

describe("tus 1.0 resumable uploads at /uploads/tus", () => {
  let ctx: Awaited<ReturnType<typeof startTusApp>>;
  let db: Database;
  let app: Express;
  let pipeline: Pipeline & { root: string };
  let auth: Record<string, string>;
  let otherAuth: Record<string, string>;
  let readOnly: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    ctx = await startTusApp();
    ({ db, app, pipeline } = ctx);
    ({ auth } = await userWithKey(db, "tus-uploader"));
    ({ auth: otherAuth } = await userWithKey(db, "someone-else"));
    ({ auth: readOnly } = await userWithKey(db, "tus-reader", { scopes: ["read"] }));
    dir = await mkdtemp(join(tmpdir(), "tus-files-"));
  });
  afterAll(async () => {
    await ctx.close();
    await rm(dir, { recursive: true, force: true });
  });

  const tus = (method: string, path: string, headers: Record<string, string> = {}, body?: Buffer) =>
    fetch(path.startsWith("http") ? path : `${ctx.base}${path}`, { method, headers: { "Tus-Resumable": "1.0.0", ...auth, ...headers }, body });
  const create = async (size: number, meta: Record<string, string>, headers: Record<string, string> = {}) => {
    const res = await tus("POST", "/uploads/tus", { "Upload-Length": String(size), "Upload-Metadata": metadata(meta), ...headers });
    expect(res.status).toBe(201);
    return new URL(res.headers.get("location") ?? "").pathname;
  };
  const patch = (path: string, offset: number, chunk: Buffer, headers: Record<string, string> = {}) =>
    tus("PATCH", path, { "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream", ...headers }, chunk);
  const offsetOf = async (path: string) => {
    const res = await tus("HEAD", path);
    expect(res.status).toBe(200);
    return Number(res.headers.get("upload-offset"));
  };
  const file = async (name: string, size: number) => {
    const path = join(dir, name);
    await writeFile(path, randomBytes(size));
    return path;
  };
  /** Upload rows still waiting for bytes (tus or otherwise), and temporary bytes in storage. */
  const leftovers = async () => ({
    requested: await db.prisma.upload.count({ where: { state: "requested" } }),
    tusFiles: await filesUnder(ctx.tusDir),
    staged: (await filesUnder(pipeline.root)).filter((f) => !f.startsWith("objects/")),
  });
  const uploadRow = (path: string) => db.prisma.upload.findUniqueOrThrow({ where: { uuid: path.split("/").pop() } });

  it("advertises tus 1.0 with creation, termination, expiration and checksum (md5, sha1, sha256) and the size limit", async () => {
    const res = await fetch(`${ctx.base}/uploads/tus`, { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("tus-version")).toBe("1.0.0");
    expect(res.headers.get("tus-extension")?.split(",")).toEqual(expect.arrayContaining(["creation", "creation-with-upload", "termination", "expiration", "checksum"]));
    expect(res.headers.get("tus-checksum-algorithm")?.split(",").sort()).toEqual(["md5", "sha1", "sha256"]);
    expect(res.headers.get("tus-max-size")).toBe(String(LIMIT));
  });

  it("creates, PATCHes in chunks with HEAD in between, and the finished upload is committed with md5/sha256 equal to md5sum/sha256sum", async () => {
    const size = 3 * MiB + 12_345;
    const path = await file("chunks.txt", size);
    const bytes = await readFile(path);
    const upload = await create(size, { filename: "chunks.txt", author: "Ada", tags: "a, b" });
    expect(upload).toMatch(/^\/uploads\/tus\/[0-9a-f-]{36}$/);
    const row = await uploadRow(upload);
    expect(row).toMatchObject({ state: "requested", filename: "chunks.txt", type: "note" });
    expect(row.expires_at!.getTime()).toBeGreaterThan(Date.now());
    expect(await offsetOf(upload)).toBe(0);

    const reads = jest.spyOn(ChecksummedFileStore.prototype, "read");
    let offset = 0;
    let last: Response | undefined;
    for (const length of [MiB, MiB, size - 2 * MiB]) {
      last = await patch(upload, offset, bytes.subarray(offset, offset + length));
      expect(last.status).toBe(204);
      offset += length;
      expect(Number(last.headers.get("upload-offset"))).toBe(offset);
      if (offset < size) expect(await offsetOf(upload)).toBe(offset);
    }
    // The response to the last PATCH links the Upload and its job.
    const link = last!.headers.get("link") ?? "";
    expect(link).toMatch(new RegExp(`<${ctx.base}/uploads/${row.id}>; rel="upload"`));
    const jobId = /<[^>]*\/jobs\/([0-9a-f-]{36})>; rel="job"/.exec(link)?.[1];
    expect(jobId).toBeDefined();

    // Chunked, so the finished file is read back from the tus store once to be hashed and stored.
    expect(reads).toHaveBeenCalledTimes(1);
    reads.mockRestore();

    const done = await waitForUpload(app, auth, row.id);
    const truth = coreutilsDigests(path);
    expect(done.attributes).toMatchObject({ state: "committed", md5: truth.md5, sha256: truth.sha256, size, filename: "chunks.txt", author: "Ada", tags: ["a", "b"] });
    expect(done.attributes.uuid).toBe(upload.split("/").pop());
    expect((await db.prisma.job.findUniqueOrThrow({ where: { id: jobId! } })).subject_id).toBe(row.id);
    // The bytes live once, content-addressed; the tus file is gone.
    expect(await filesUnder(pipeline.root)).toEqual([`objects/${truth.sha256.slice(0, 2)}/${truth.sha256.slice(2, 4)}/${truth.sha256}`]);
    expect(await leftovers()).toEqual({ requested: 0, tusFiles: [], staged: [] });

    // A HEAD afterwards says complete and links the same upload; PATCH and DELETE are refused.
    const head = await tus("HEAD", upload);
    expect(head.status).toBe(200);
    expect([head.headers.get("upload-offset"), head.headers.get("upload-length")]).toEqual([String(size), String(size)]);
    expect(head.headers.get("link")).toBe(link);
    expect((await patch(upload, size, Buffer.alloc(0))).status).toBe(409);
    expect((await tus("DELETE", upload)).status).toBe(409);
  });

  it("hashes and stores a whole file sent in one PATCH while it streams, without reading the tus file back", async () => {
    const size = 5 * MiB + 1;
    const path = await file("single.txt", size);
    const upload = await create(size, { filename: "single.txt" });
    const tusFile = await stat(join(ctx.tusDir, upload.split("/").pop()!));
    const reads = jest.spyOn(ChecksummedFileStore.prototype, "read");
    const puts = jest.spyOn(LocalDiskStorage.prototype, "put");
    const res = await patch(upload, 0, await readFile(path));
    expect(res.status).toBe(204);
    expect(reads).not.toHaveBeenCalled();
    // Written once: the tus file itself became the object (storage and tus directory share a filesystem).
    expect(puts).not.toHaveBeenCalled();
    reads.mockRestore();
    puts.mockRestore();
    const done = await waitForUpload(app, auth, (await uploadRow(upload)).id);
    const truth = coreutilsDigests(path);
    expect(done.attributes).toMatchObject({ state: "committed", md5: truth.md5, sha256: truth.sha256, size });
    expect((await stat(join(pipeline.root, objectKey(truth.sha256)))).ino).toBe(tusFile.ino);
    expect(await leftovers()).toEqual({ requested: 0, tusFiles: [], staged: [] });
  });

  it("refuses a whole-file PATCH whose Upload-Checksum does not match with 460, stages nothing, and takes the file again", async () => {
    const bytes = randomBytes(3 * MiB);
    const upload = await create(bytes.length, { filename: "whole-checked.txt" });
    const wrong = await patch(upload, 0, bytes, { "Upload-Checksum": `sha256 ${digest("sha256", bytes.subarray(1))}` });
    expect(wrong.status).toBe(460);
    expect(await offsetOf(upload)).toBe(0);
    expect((await stat(join(ctx.tusDir, upload.split("/").pop()!))).size).toBe(0);
    expect((await leftovers()).staged).toEqual([]);
    expect((await patch(upload, 0, bytes, { "Upload-Checksum": `sha256 ${digest("sha256", bytes)}` })).status).toBe(204);
    const done = await waitForUpload(app, auth, (await uploadRow(upload)).id);
    expect(done.attributes).toMatchObject({ state: "committed", sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length });
    expect(await leftovers()).toEqual({ requested: 0, tusFiles: [], staged: [] });
  });

  it("stages a whole-file PATCH by writing a copy when storage cannot link the tus file (another filesystem, S3)", async () => {
    const link = jest.spyOn(LocalDiskStorage.prototype, "link").mockRejectedValue(Object.assign(new Error("cross-device link"), { code: "EXDEV" }));
    const other = await startTusApp({ db });
    try {
      const bytes = randomBytes(3 * MiB + 3);
      const created = await fetch(`${other.base}/uploads/tus`, { method: "POST", headers: { "Tus-Resumable": "1.0.0", ...auth, "Upload-Length": String(bytes.length), "Upload-Metadata": metadata({ filename: "copied.txt" }) } });
      expect(created.status).toBe(201);
      const reads = jest.spyOn(ChecksummedFileStore.prototype, "read");
      const puts = jest.spyOn(LocalDiskStorage.prototype, "put");
      const res = await fetch(created.headers.get("location")!, { method: "PATCH", headers: { "Tus-Resumable": "1.0.0", ...auth, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" }, body: bytes });
      expect(res.status).toBe(204);
      expect(reads).not.toHaveBeenCalled();
      expect(puts).toHaveBeenCalledTimes(1);
      const id = Number(/\/uploads\/(\d+)>; rel="upload"/.exec(res.headers.get("link") ?? "")?.[1]);
      const done = await waitForUpload(other.app, auth, id);
      expect(done.attributes).toMatchObject({ state: "committed", sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length });
      expect(link).toHaveBeenCalledTimes(1); // the probe only
      expect((await filesUnder(other.pipeline.root)).filter((f) => !f.startsWith("objects/"))).toEqual([]);
    } finally {
      link.mockRestore();
      await other.close();
    }
  });

  it("resumes an upload whose PATCH connection dropped half-way from HEAD's Upload-Offset, ending with the right digests", async () => {
    const size = 4 * MiB;
    const path = await file("dropped.txt", size);
    const bytes = await readFile(path);
    const upload = await create(size, { filename: "dropped.txt" });

    // Announce the whole file, send 1.5 MiB, then cut the connection.
    const req = httpRequest({
      port: ctx.port,
      host: "127.0.0.1",
      method: "PATCH",
      path: upload,
      headers: { ...auth, "Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream", "Content-Length": String(size) },
    });
    req.on("error", () => undefined);
    req.write(bytes.subarray(0, 1.5 * MiB));
    await new Promise((resolve) => setTimeout(resolve, 300));
    req.destroy();

    const offset = await offsetOf(upload);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(1.5 * MiB);
    expect((await stat(join(ctx.tusDir, upload.split("/").pop()!))).size).toBe(offset);
    // Resuming at a wrong offset is a conflict and changes nothing.
    expect((await patch(upload, offset + 1, bytes.subarray(offset + 1))).status).toBe(409);

    const last = await patch(upload, offset, bytes.subarray(offset));
    expect(last.status).toBe(204);
    const done = await waitForUpload(app, auth, (await uploadRow(upload)).id);
    const truth = coreutilsDigests(path);
    expect(done.attributes).toMatchObject({ state: "committed", md5: truth.md5, sha256: truth.sha256, size });
    expect(await leftovers()).toEqual({ requested: 0, tusFiles: [], staged: [] });
  });

  it("terminates with DELETE: the partial bytes are deleted and the upload ends rejected as cancelled", async () => {
    const bytes = randomBytes(2 * MiB);
    const upload = await create(bytes.length, { filename: "cancel.txt" });
    expect((await patch(upload, 0, bytes.subarray(0, MiB))).status).toBe(204);
    expect((await leftovers()).tusFiles.length).toBe(2); // the bytes and their info file

    const res = await tus("DELETE", upload);
    expect(res.status).toBe(204);
    const row = await uploadRow(upload);
    expect(row.state).toBe("rejected");
    expect(row.state_detail).toMatch(/^Cancelled/);
    expect((await tus("HEAD", upload)).status).toBe(410);
    expect((await patch(upload, MiB, bytes.subarray(MiB))).status).toBe(410);
    expect(await leftovers()).toEqual({ requested: 0, tusFiles: [], staged: [] });
  });

  it("refuses a chunk whose Upload-Checksum does not match with 460 and the offset does not advance; correct chunks complete the upload", async () => {
    const size = 2 * MiB;
    const path = await file("checked.txt", size);
    const bytes = await readFile(path);
    const upload = await create(size, { filename: "checked.txt" });
    const first = bytes.subarray(0, MiB);
    const second = bytes.subarray(MiB);
    expect((await patch(upload, 0, first, { "Upload-Checksum": `sha1 ${digest("sha1", first)}` })).status).toBe(204);

    const wrong = await patch(upload, MiB, second, { "Upload-Checksum": `md5 ${digest("md5", first)}` });
    expect(wrong.status).toBe(460);
    expect(await offsetOf(upload)).toBe(MiB);
    expect((await stat(join(ctx.tusDir, upload.split("/").pop()!))).size).toBe(MiB);
    const unsupported = await patch(upload, MiB, second, { "Upload-Checksum": `crc32 ${Buffer.alloc(4).toString("base64")}` });
    expect(unsupported.status).toBe(400);
    expect(await offsetOf(upload)).toBe(MiB);

    expect((await patch(upload, MiB, second, { "Upload-Checksum": `sha256 ${digest("sha256", second)}` })).status).toBe(204);
    const done = await waitForUpload(app, auth, (await uploadRow(upload)).id);
    const truth = coreutilsDigests(path);
    expect(done.attributes).toMatchObject({ state: "committed", md5: truth.md5, sha256: truth.sha256 });
    expect(await leftovers()).toEqual({ requested: 0, tusFiles: [], staged: [] });
  });

  it("verifies whole-file checksums sent in Upload-Metadata: a mismatch rejects the upload and keeps no bytes", async () => {
    const bytes = randomBytes(MiB);
    const objectsBefore = (await filesUnder(pipeline.root)).length;
    const upload = await create(bytes.length, { filename: "claimed.txt", sha256: createHash("sha256").update("other bytes").digest("hex") });
    const res = await patch(upload, 0, bytes);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/sha256/);
    const row = await uploadRow(upload);
    expect(row.state).toBe("rejected");
    expect(row.state_detail).toMatch(/^Rejected: The sha256 of the received bytes/);
    expect((await tus("HEAD", upload)).status).toBe(410);
    expect(await leftovers()).toEqual({ requested: 0, tusFiles: [], staged: [] });
    expect((await filesUnder(pipeline.root)).length).toBe(objectsBefore);

    // The same metadata with the right md5 (base64) is accepted.
    const good = await create(bytes.length, { filename: "claimed.txt", md5: createHash("md5").update(bytes).digest("base64") });
    expect((await patch(good, 0, bytes)).status).toBe(204);
    expect((await uploadRow(good)).md5).toBe(createHash("md5").update(bytes).digest("hex"));
  });

  it("hides another user's upload: HEAD, PATCH and DELETE are 404 and its bytes are untouched", async () => {
    const bytes = randomBytes(MiB);
    const upload = await create(2 * MiB, { filename: "mine.txt" });
    expect((await patch(upload, 0, bytes)).status).toBe(204);
    for (const method of ["HEAD", "DELETE"]) expect((await tus(method, upload, otherAuth)).status).toBe(404);
    expect((await patch(upload, MiB, bytes, otherAuth)).status).toBe(404);
    expect((await tus("HEAD", upload, { Authorization: "" })).status).toBe(401);
    expect(await offsetOf(upload)).toBe(MiB);
    expect((await uploadRow(upload)).state).toBe("requested");
    expect((await tus("DELETE", upload)).status).toBe(204);
    expect(await leftovers()).toEqual({ requested: 0, tusFiles: [], staged: [] });
  });

  it("refuses creation without credentials (401), with a read-only key (403), over the size limit (413) or for an unknown type (400), creating nothing", async () => {
    const before = await db.prisma.upload.count();
    const post = (headers: Record<string, string>, length = MiB, meta: Record<string, string> = { filename: "x.txt" }) =>
      tus("POST", "/uploads/tus", { "Upload-Length": String(length), "Upload-Metadata": metadata(meta), ...headers });
    expect((await post({ Authorization: "" })).status).toBe(401);
    expect((await post(readOnly)).status).toBe(403);
    expect((await post({}, LIMIT + 1)).status).toBe(413);
    expect((await post({}, 5000, { filename: "big.png" })).status).toBe(413); // png-image allows 4096 bytes
    expect((await post({}, MiB, { filename: "x.bin", type: "no-such-type" })).status).toBe(400);
    expect((await post({}, 0)).status).toBe(400);
    expect((await tus("POST", "/uploads/tus", { "Upload-Metadata": metadata({ filename: "x.txt" }) })).status).toBe(400); // no length
    expect(await db.prisma.upload.count()).toBe(before);
    expect(await leftovers()).toEqual({ requested: 0, tusFiles: [], staged: [] });
  });

  it("deletes the bytes of an upload left unfinished past its expiration and the sweeper rejects its row", async () => {
    // A second router on the same database whose uploads expire after 800 ms.
    const short = await startTusApp({ db, ttlMs: 800 });
    try {
      const headers = { ...auth, "Tus-Resumable": "1.0.0" };
      const created = await fetch(`${short.base}/uploads/tus`, { method: "POST", headers: { ...headers, "Upload-Length": String(2 * MiB), "Upload-Metadata": `filename ${b64("late.txt")}` } });
      expect(created.status).toBe(201);
      expect(created.headers.get("upload-expires")).toBeTruthy();
      const upload = created.headers.get("location")!;
      const res = await fetch(upload, { method: "PATCH", headers: { ...headers, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" }, body: randomBytes(MiB) });
      expect(res.status).toBe(204);
      expect((await filesUnder(short.tusDir)).length).toBe(2);

      const uuid = upload.split("/").pop()!;
      const deadline = Date.now() + 8000;
      let row = await short.db.prisma.upload.findUniqueOrThrow({ where: { uuid } });
      // The router's own timer deletes the tus file; the pipeline's sweeper (one pass per poll here) rejects the row.
      while ((row.state !== "rejected" || (await filesUnder(short.tusDir)).length > 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await short.pipeline.sweeper.sweep(60_000);
        row = await short.db.prisma.upload.findUniqueOrThrow({ where: { uuid } });
      }
      expect(row.state).toBe("rejected");
      expect(row.state_detail).toMatch(/^Expired/);
      expect(await filesUnder(short.tusDir)).toEqual([]);
      expect(await filesUnder(short.pipeline.root)).toEqual([]);
      expect(await db.prisma.upload.count({ where: { state: "requested" } })).toBe(0);
      expect((await fetch(upload, { method: "HEAD", headers })).status).toBe(410);
      expect((await fetch(upload, { method: "PATCH", headers: { ...headers, "Upload-Offset": String(MiB), "Content-Type": "application/offset+octet-stream" }, body: randomBytes(10) })).status).toBe(410);
    } finally {
      await short.close();
    }
  });
});
