import { randomBytes, randomUUID } from "node:crypto";
import { readdir, stat, utimes } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createTestDatabase, type Database } from "@assets/core";
import { stallingStream } from "@assets/core/testing";
import { createTestPipeline } from "./helpers/app.js";
import { startChildServer, type ChildServer } from "./helpers/child-server.js";
import { filesUnder } from "./helpers/pipeline.js";

const MiB = 1024 * 1024;

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Sets the modification time of every file under `dir` an hour back: past any grace. */
async function ageFiles(dir: string): Promise<void> {
  const past = new Date(Date.now() - 60 * 60_000);
  for (const file of await filesUnder(dir)) await utimes(join(dir, file), past, past);
}

describe("staged bytes that outlive a crash (issue 17.3)", () => {
  let db: Database;
  const children: ChildServer[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const child of children) await child.crash();
    await db.close();
  });

  it("removes the partial file of a multipart upload whose process was killed, and keeps what live uploads own", async () => {
    const pipeline = await createTestPipeline(db, { worker: false, stagingGraceMs: 5 * 60_000 });
    const staging = join(pipeline.root, ".staging");
    const server = await startChildServer(pipeline.root);
    children.push(server);
    const { port, key } = server;

    // 200 MB announced, 8 MiB sent, then the server process dies with SIGKILL mid-upload.
    const boundary = "crash-boundary";
    const upload = httpRequest({
      host: "127.0.0.1",
      port,
      method: "POST",
      path: "/uploads",
      headers: { authorization: `Bearer ${key}`, "content-type": `multipart/form-data; boundary=${boundary}` },
    });
    upload.on("error", () => undefined); // the server dies under it
    upload.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    for (let i = 0; i < 8; i++) upload.write(randomBytes(MiB));
    const partial = await until("the upload's staging file to fill", async () => {
      const names = await readdir(staging).catch(() => []);
      const sizes = await Promise.all(names.map(async (name) => ({ name, size: (await stat(join(staging, name)).catch(() => null))?.size ?? 0 })));
      return sizes.find((s) => s.size >= 2 * MiB);
    });
    await server.crash();
    upload.destroy();

    // What live uploads own, in this process: a put still streaming, and a signed PUT's bytes awaiting completion.
    const live = stallingStream(3 * MiB);
    const liveStage = pipeline.objects.stage(live);
    await until("the live put to start", async () => ((await readdir(staging)).length === 2 ? true : undefined));
    const requested = await pipeline.objects.stage(Readable.from([Buffer.from("bytes of a signed PUT")]));
    const user = await db.prisma.user.create({ data: { username: "requester" } });
    await db.prisma.upload.create({
      data: { filename: "requested.bin", state: "requested", uploader_id: user.id, storage_key: requested.tmpKey, expires_at: new Date(Date.now() + 60 * 60_000) },
    });
    // Bytes staged completely by a process that died before registering them.
    const orphanKey = `tmp/${randomUUID()}`;
    await pipeline.storage.put(orphanKey, Readable.from([randomBytes(1000)]));
    await ageFiles(pipeline.root);

    const report = await pipeline.sweeper.sweep(60_000);

    expect(report.abandoned.writes).toEqual({ count: 1, bytes: expect.any(Number) });
    expect(report.abandoned.writes.bytes).toBeGreaterThanOrEqual(partial.size);
    expect(report.abandoned.staged).toEqual({ count: 1, bytes: 1000 });
    expect(await readdir(staging)).not.toContain(partial.name);
    expect(await readdir(staging)).toHaveLength(1); // the live put's
    expect(await pipeline.storage.exists(orphanKey)).toBe(false);
    expect(await pipeline.storage.exists(requested.tmpKey)).toBe(true);
    live.end();
    expect((await liveStage).size).toBe(3 * MiB);

    // Within the grace nothing is touched.
    await pipeline.storage.put(`tmp/${randomUUID()}`, Readable.from([Buffer.from("fresh")]));
    expect((await pipeline.sweeper.sweep(60_000)).abandoned).toEqual({ writes: { count: 0, bytes: 0 }, staged: { count: 0, bytes: 0 } });
  });
});
