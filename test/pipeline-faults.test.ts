import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import request from "supertest";
import { BullMqQueue, LocalDiskStorage, createAssetRouter, createPipeline, createTestDatabase, type Database, type Pipeline } from "@assets/core";
import { testLogger, userWithKey } from "./helpers/app.js";
import { slowPlugin } from "./fixtures/slow-plugin.js";

// Worker processes must share the database, so these run on PostgreSQL + Redis only (the CI's second run).
const enabled = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const describeFaults = enabled ? describe : describe.skip;
if (!enabled) console.info("pipeline fault tests skipped: they need DATABASE_URL and REDIS_URL (PostgreSQL + Redis)");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeFaults("pipeline faults on PostgreSQL + Redis", () => {
  let db: Database;
  let dir: string;
  let runLog: string;
  const children: ChildProcess[] = [];
  const pipelines: Pipeline[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), "faults-"));
    runLog = join(dir, "runs.log");
    writeFileSync(runLog, "");
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    for (const pipeline of pipelines) await pipeline.close();
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The API side: ingest only (no worker), sharing storage and queue with the worker processes. */
  function apiApp(redisUrl: string, queueName: string) {
    const pipeline = createPipeline({
      db,
      storage: new LocalDiskStorage({ root: join(dir, "files") }),
      plugins: [slowPlugin(runLog, 0)],
      queue: new BullMqQueue({ url: redisUrl, name: queueName }),
      log: testLogger,
    });
    pipelines.push(pipeline);
    const app = express();
    app.use(createAssetRouter({ pipeline, logger: testLogger }));
    return app;
  }

  function startWorker(redisUrl: string, queueName: string, stepMs: number): Promise<ChildProcess> {
    const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/fault-worker.ts"], {
      env: { ...process.env, NODE_OPTIONS: "", DATABASE_URL: db.url, REDIS_URL: redisUrl, QUEUE_NAME: queueName, STORAGE_ROOT: join(dir, "files"), RUN_LOG: runLog, STEP_MS: String(stepMs) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      child.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve(child));
      child.once("exit", (code) => reject(new Error(`worker exited early with ${code}`)));
    });
  }

  const runsOf = (uploadId: number) => readFileSync(runLog, "utf8").split("\n").filter((line) => line.startsWith(`start ${uploadId} `));

  it("a worker SIGKILLed mid-job loses nothing: the restarted worker commits the upload exactly once", async () => {
    const redisUrl = process.env.REDIS_URL as string;
    const queueName = `faults-kill-${process.pid}-${Date.now()}`;
    const app = apiApp(redisUrl, queueName);
    const { auth } = await userWithKey(db, "killer");
    const res = await request(app).post("/uploads").set(auth).attach("file", randomBytes(2 * 1024 * 1024), "victim.bin");
    expect(res.status).toBe(202);
    const uploadId = Number(res.body.data.id);

    const first = await startWorker(redisUrl, queueName, 100);
    await waitFor("the first run to start", () => (runsOf(uploadId).length === 1 ? true : undefined));
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    expect((await db.prisma.upload.findUniqueOrThrow({ where: { id: uploadId } })).state).toBe("processing");
    // The job moved with the upload's claim, in its transaction: a crash leaves the two agreeing.
    expect(await db.prisma.job.findFirstOrThrow({ where: { subject_id: uploadId } })).toMatchObject({ state: "running", attempts: 1 });

    await startWorker(redisUrl, queueName, 0);
    const done = await waitFor("the upload to commit", async () => {
      const row = await db.prisma.upload.findUniqueOrThrow({ where: { id: uploadId } });
      return row.state === "committed" || row.state === "rejected" ? row : undefined;
    });
    expect(done.state).toBe("committed");
    expect(done.attempts).toBe(2);
    expect(runsOf(uploadId)).toHaveLength(2);
    expect(await db.prisma.resource.count({ where: { type: "slow", name: "victim.bin" } })).toBe(1);
    const job = await db.prisma.job.findFirstOrThrow({ where: { subject_id: uploadId } });
    expect(job).toMatchObject({ state: "succeeded", progress: 100, attempts: 2 });
  }, 90_000);

  it("Redis restarted during a batch of 50 uploads: all 50 end committed, once each", async () => {
    const port = await freePort();
    const startRedis = () => {
      const redis = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], { stdio: "ignore" });
      children.push(redis);
      return redis;
    };
    let redis = startRedis();
    const redisUrl = `redis://127.0.0.1:${port}`;
    const queueName = `faults-redis-${process.pid}`;
    await new Promise((r) => setTimeout(r, 300));
    const app = apiApp(redisUrl, queueName);
    const { auth } = await userWithKey(db, "batcher");
    await startWorker(redisUrl, queueName, 5);

    const ids: number[] = [];
    for (let i = 0; i < 50; i++) {
      if (i === 20) {
        // Redis keeps nothing on disk: every queued job is lost with it.
        redis.kill("SIGKILL");
        await new Promise((resolve) => redis.once("exit", resolve));
        setTimeout(() => (redis = startRedis()), 1000);
      }
      const res = await request(app).post("/uploads").set(auth).attach("file", randomBytes(64 * 1024), `batch-${i}.bin`);
      expect(res.status).toBe(202);
      ids.push(Number(res.body.data.id));
    }
    const rows = await waitFor(
      "all 50 uploads to finish",
      async () => {
        const finished = await db.prisma.upload.findMany({ where: { id: { in: ids }, state: { in: ["committed", "rejected"] } } });
        return finished.length === 50 ? finished : undefined;
      },
      60_000,
    );
    expect(rows.map((r) => r.state)).toEqual(Array(50).fill("committed"));
    expect(await db.prisma.resource.count({ where: { type: "slow", name: { startsWith: "batch-" } } })).toBe(50);
  }, 120_000);
});
