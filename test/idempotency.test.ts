import { randomBytes } from "node:crypto";
import { request as httpRequest, type ClientRequest } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Express } from "express";
import request from "supertest";
import { createAssetRouter, createTestDatabase, type Database, type Pipeline } from "@assets/core";
import { createTestPipeline, testLogger, userWithKey } from "./helpers/app.js";
import { startChildServer, type ChildServer } from "./helpers/child-server.js";
import { notesPlugin } from "./helpers/pipeline.js";

const BOUNDARY = "idem-boundary";

/** A multipart body with one file part. */
function multipartBody(file: Buffer, filename: string): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

/** Starts a multipart POST /uploads of `body` that sends only its first part and waits (a slow client, or one cut off by a crash). */
function stalledUpload(port: number, auth: Record<string, string>, idempotencyKey: string, body: Buffer): ClientRequest {
  const req = httpRequest({
    host: "127.0.0.1",
    port,
    method: "POST",
    path: "/uploads",
    headers: { ...auth, "content-type": `multipart/form-data; boundary=${BOUNDARY}`, "content-length": body.length, "idempotency-key": idempotencyKey },
  });
  req.on("error", () => undefined);
  req.write(body.subarray(0, body.length / 2));
  return req;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, tries = 600): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("Idempotency-Key: leases and fingerprints (issue 17.4)", () => {
  let db: Database;
  let pipeline: Pipeline & { root: string };
  let app: Express;
  let port: number;
  let server: ReturnType<Express["listen"]>;
  let auth: Record<string, string>;
  const children: ChildServer[] = [];
  const LEASE_MS = 600;

  beforeAll(async () => {
    db = await createTestDatabase();
    pipeline = await createTestPipeline(db, { plugins: [notesPlugin] });
    app = express();
    app.use(createAssetRouter({ pipeline, logger: testLogger, idempotencyLeaseMs: LEASE_MS }));
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    port = (server.address() as AddressInfo).port;
    ({ auth } = await userWithKey(db, "idem"));
  });
  afterAll(async () => {
    for (const child of children) await child.crash();
    await new Promise((resolve) => server.close(resolve));
    await pipeline.close();
    await db.close();
  });

  const upload = (body: Buffer, filename: string, key: string, headers: Record<string, string> = {}) =>
    request(app).post("/uploads").set(auth).set(headers).set("Idempotency-Key", key).attach("file", body, filename);
  /** The whole of a body {@link stalledUpload} began: the same request again. */
  const sendWhole = (body: Buffer, key: string, as: Record<string, string> = auth) =>
    request(app).post("/uploads").set(as).set("Idempotency-Key", key).set("content-type", `multipart/form-data; boundary=${BOUNDARY}`).send(body);
  const slowBody = multipartBody(randomBytes(512 * 1024), "slow.txt");

  it("lets a retry take over a key whose request was lost in a crash (in progress, lease run out) instead of 409 forever", async () => {
    const user = await db.prisma.user.findUniqueOrThrow({ where: { username: "idem" } });
    const scope = "POST /uploads";
    // What a process killed mid-request leaves: in progress, its lease long run out; and a row from before leases.
    await db.prisma.idempotencyRecord.create({ data: { owner: `user:${user.id}`, key: "crashed-1", scope, status: 0, body: {}, lease_token: "dead", lease_expires_at: new Date(Date.now() - 60_000) } });
    await db.prisma.idempotencyRecord.create({ data: { owner: `user:${user.id}`, key: "crashed-2", scope, status: 0, body: {} } });
    for (const key of ["crashed-1", "crashed-2"]) {
      const retry = await upload(Buffer.from(`retried ${key}`), "retry.txt", key);
      expect(retry.status).toBe(202);
      expect(retry.headers["idempotent-replayed"]).toBeUndefined();
      const again = await upload(Buffer.from(`retried ${key}`), "retry.txt", key);
      expect(again.status).toBe(202);
      expect(again.headers["idempotent-replayed"]).toBe("true");
      expect(again.body.data.id).toBe(retry.body.data.id);
    }
  });

  it("keeps the key for a request that is still running, past many leases, and answers 409 with Retry-After", async () => {
    const holder = stalledUpload(port, auth, "running-1", slowBody);
    const record = await until("the key to be reserved", async () => (await db.prisma.idempotencyRecord.findFirst({ where: { key: "running-1" } })) ?? undefined);
    expect(record.status).toBe(0);
    // The holder renews its lease: several lease periods later the key is still its own.
    await until("the lease to be renewed", async () => {
      const now = await db.prisma.idempotencyRecord.findFirstOrThrow({ where: { key: "running-1" } });
      return now.lease_expires_at!.getTime() > record.lease_expires_at!.getTime() + 2 * LEASE_MS ? true : undefined;
    });
    const retry = await sendWhole(slowBody, "running-1");
    expect(retry.status).toBe(409);
    expect(retry.body.errors[0].code).toBe("IDEMPOTENCY_KEY_IN_USE");
    expect(Number(retry.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    // A client that gives up is a failed attempt: the key is free again.
    holder.destroy();
    await until("the key to be released", async () => ((await db.prisma.idempotencyRecord.count({ where: { key: "running-1" } })) === 0 ? true : undefined));
    expect((await sendWhole(slowBody, "running-1")).status).toBe(202);
  });

  it("refuses a different request under a used key with 422 IDEMPOTENCY_KEY_REUSED, and replays the same one", async () => {
    const first = await upload(Buffer.from("the first file"), "first.txt", "reuse-1");
    expect(first.status).toBe(202);
    // A new multipart boundary is the same request; other bytes, other digests or another query are not.
    const same = await upload(Buffer.from("the first file"), "first.txt", "reuse-1");
    expect(same.status).toBe(202);
    expect(same.body.data.id).toBe(first.body.data.id);
    for (const different of [
      upload(Buffer.from("another, longer file"), "first.txt", "reuse-1"),
      upload(Buffer.from("the first file"), "first.txt", "reuse-1", { "Content-MD5": "rL0Y20zC+Fzt72VPzMSk2A==" }),
      request(app).post("/uploads?resource_id=1").set(auth).set("Idempotency-Key", "reuse-1").attach("file", Buffer.from("the first file"), "first.txt"),
    ]) {
      const res = await different;
      expect(res.status).toBe(422);
      expect(res.body.errors[0]).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED", source: { header: "Idempotency-Key" } });
    }
    // A JSON body under a key a file upload used is another request.
    const json = await request(app).post("/uploads").set(auth).set("Idempotency-Key", "reuse-1").send({ data: { type: "upload", attributes: { path: "/x/y.txt" } } });
    expect(json.status).toBe(422);
    expect(json.body.errors[0].code).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  const describeShared = process.env.DATABASE_URL ? it : it.skip;
  describeShared("after a server process is killed with SIGKILL mid-request, a retry elsewhere gets 409 until the lease runs out, then goes through", async () => {
    const child = await startChildServer(pipeline.root, { DATABASE_URL: db.url ?? "", IDEMPOTENCY_LEASE_MS: String(LEASE_MS) });
    children.push(child);
    const childAuth = { authorization: `Bearer ${child.key}` };
    stalledUpload(child.port, childAuth, "killed-1", slowBody);
    await until("the key to be reserved", async () => ((await db.prisma.idempotencyRecord.count({ where: { key: "killed-1", status: 0 } })) === 1 ? true : undefined));
    await child.crash();
    const retry = () => sendWhole(slowBody, "killed-1", childAuth);
    // Until the dead request's lease runs out the key is in use; then the retry takes it over.
    const done = await until("the retry to take the key over", async () => {
      const res = await retry();
      if (res.status === 409) return undefined;
      return res;
    });
    expect(done.status).toBe(202);
    expect((await db.prisma.idempotencyRecord.findFirstOrThrow({ where: { key: "killed-1" } })).status).toBe(202);
  });
});
