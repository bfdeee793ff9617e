/**
 * The DatoCMS profile's rate limit: X-RateLimit-* on every answer, 429 in DatoCMS's shape beyond
 * it, and the official client sleeping on it, through the real server. Counted in Redis when
 * REDIS_URL is set (two apps over one Redis then share the count), in-process otherwise.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import request from "supertest";
import type { Database } from "@assets/core";
import { Redis } from "ioredis";
import { imageAssetPlugin, MemoryRateCounter, REDIS_CONNECTION_NAME, RedisRateCounter, type RateCounter } from "@assets/image-asset";
import { createTestApp, userWithKey } from "./helpers/app.js";

interface Client {
  uploads: { list(query?: Record<string, unknown>): Promise<unknown[]> };
  uploadCollections: { list(): Promise<unknown[]> };
}
const CLIENT_PACKAGE = "@datocms/cma-client-node";
const LIMIT = 3;
const WINDOW_MS = 3000;

const counters: RateCounter[] = [];
/** A counter for one app; over Redis each test file uses keys of its own. */
function counter(): RateCounter {
  const made = process.env.REDIS_URL ? new RedisRateCounter(process.env.REDIS_URL, `test:${process.pid}:${Math.random().toString(36).slice(2)}:`) : new MemoryRateCounter();
  counters.push(made);
  return made;
}

let db: Database;
let app: Express;
let server: Server;
let keys: { key: string; auth: Record<string, string> }[];

beforeAll(async () => {
  ({ db, app } = await createTestApp({ plugins: [imageAssetPlugin({ rateLimit: { limit: LIMIT, windowMs: WINDOW_MS, counter: counter() } })] }));
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  keys = await Promise.all(["counted", "client", "other"].map((name) => userWithKey(db, name)));
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await db?.close();
  for (const made of counters) await made.close();
});

const get = (path: string, auth: Record<string, string>) => request(app).get(`/datocms${path}`).set(auth).set("Accept", "application/json");

describe("DatoCMS rate limit", () => {
  it("counts down X-RateLimit-Remaining per API key, then answers 429 RATE_LIMIT_EXCEEDED with the reset", async () => {
    const { auth } = keys[0]!;
    const answers = [];
    for (const path of ["/uploads", "/upload-collections", "/uploads/999999", "/uploads"]) answers.push(await get(path, auth));
    expect(answers.map((res) => res.status)).toEqual([200, 200, 404, 429]);
    expect(answers.map((res) => res.headers["x-ratelimit-limit"])).toEqual(["3", "3", "3", "3"]);
    expect(answers.map((res) => res.headers["x-ratelimit-remaining"])).toEqual(["2", "1", "0", "0"]);
    for (const res of answers) expect(Number(res.headers["x-ratelimit-reset"])).toBeGreaterThanOrEqual(1);
    for (const res of answers) expect(Number(res.headers["x-ratelimit-reset"])).toBeLessThanOrEqual(WINDOW_MS / 1000);
    const refused = answers[3]!;
    expect(refused.headers["content-type"]).toMatch(/^application\/json/);
    expect(refused.headers["retry-after"]).toBe(refused.headers["x-ratelimit-reset"]);
    expect(refused.body.data[0]).toMatchObject({ type: "api_error", attributes: { code: "RATE_LIMIT_EXCEEDED" } });
    // Another key has a count of its own.
    const other = await get("/uploads", keys[2]!.auth);
    expect(other.status).toBe(200);
    expect(other.headers["x-ratelimit-remaining"]).toBe("2");
  });

  it("sends the rate headers on a refused API key's 401, counted per address whatever the key, then 429", async () => {
    // The delivery route is a CDN's: its 401 has no rate headers and counts nothing.
    const delivery = await request(app).get("/datocms/assets/00000000-0000-0000-0000-000000000000/x.jpg").set("Authorization", "Bearer not-a-key");
    expect(delivery.status).toBe(401);
    expect(delivery.headers["x-ratelimit-limit"]).toBeUndefined();
    const answers: Awaited<ReturnType<typeof get>>[] = [];
    for (const key of ["not-a-key", "another-bad-key", "not-a-key", "a-third-one"]) answers.push(await get("/uploads", { Authorization: `Bearer ${key}` }));
    expect(answers.map((res) => res.status)).toEqual([401, 401, 401, 429]);
    expect(answers.map((res) => res.headers["x-ratelimit-limit"])).toEqual(["3", "3", "3", "3"]);
    expect(answers.map((res) => res.headers["x-ratelimit-remaining"])).toEqual(["2", "1", "0", "0"]);
    for (const res of answers) expect(Number(res.headers["x-ratelimit-reset"])).toBeGreaterThanOrEqual(1);
    expect(answers[0]!.body.data[0].attributes.code).toBe("INVALID_AUTHORIZATION_HEADER");
    expect(answers[3]!.body.data[0].attributes.code).toBe("RATE_LIMIT_EXCEEDED");
    // A valid key from the same address still has its own count.
    expect((await get("/uploads", keys[2]!.auth)).status).toBe(200);
    // The address's window ends before the next test's anonymous request.
    await new Promise((resolve) => setTimeout(resolve, Number(answers[3]!.headers["x-ratelimit-reset"]) * 1000));
  }, 15_000);

  it("accepts X-Api-Version 3 beside the rate headers", async () => {
    const res = await request(app).get("/datocms/upload-tags").set("X-Api-Version", "3");
    expect(res.status).toBe(200);
    expect(res.headers["x-ratelimit-limit"]).toBe("3");
  });

  it("lets the official client, given the tiny limit, sleep on the 429 and then succeed", async () => {
    const official = (await import(CLIENT_PACKAGE)) as { buildClient(config: Record<string, unknown>): Client; LogLevel: { BASIC: number } };
    const log: string[] = [];
    const client = official.buildClient({
      apiToken: keys[1]!.key,
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/datocms`,
      logLevel: official.LogLevel.BASIC,
      logFn: (line: string) => log.push(line),
    });
    const results = [];
    for (let i = 0; i < LIMIT + 2; i += 1) results.push(i % 2 ? await client.uploadCollections.list() : await client.uploads.list());
    expect(results).toHaveLength(LIMIT + 2);
    for (const result of results) expect(result).toEqual([]);
    // The client's own log says it was refused and waited the reset before retrying.
    const waits = log.filter((line) => /Rate limit exceeded, wait \d+ seconds then retry/.test(line));
    expect(waits.length).toBeGreaterThanOrEqual(1);
  }, 30_000);
});

describe("the rate count across processes", () => {
  const redis = process.env.REDIS_URL;
  (redis ? it : it.skip)("is shared by two counters (as two processes have) over the same Redis (REDIS_URL)", async () => {
    const prefix = `test:${process.pid}:shared:`;
    const first = new RedisRateCounter(redis!, prefix);
    const second = new RedisRateCounter(redis!, prefix);
    counters.push(first, second);
    const hits = [await first.hit("k", WINDOW_MS), await second.hit("k", WINDOW_MS), await first.hit("k", WINDOW_MS)];
    expect(hits.map((hit) => hit.count)).toEqual([1, 2, 3]);
    for (const hit of hits) expect(hit.resetMs).toBeLessThanOrEqual(WINDOW_MS);
  });

  (redis ? it : it.skip)("quits the plugin's own Redis connection when the host closes (REDIS_URL)", async () => {
    const name = `${REDIS_CONNECTION_NAME}-${process.pid}`;
    const observer = new Redis(redis!);
    try {
      const clients = async () => String(await observer.client("LIST")).split("\n").filter((line) => line.includes(` name=${name} `)).length;
      const before = await clients();
      const host = await createTestApp({ plugins: [imageAssetPlugin({ rateLimit: { redisUrl: redis } })] });
      const { auth } = await userWithKey(host.db, "closing");
      const res = await request(host.app).get("/datocms/uploads").set(auth);
      expect(res.status).toBe(200);
      expect(res.headers["x-ratelimit-limit"]).toBe("60");
      expect(await clients()).toBe(before + 1);
      // The host's close: the pipeline's, which closes the plugins.
      await host.db.close();
      expect(await clients()).toBe(before);
    } finally {
      await observer.quit();
    }
  }, 60_000);

  it("keeps one count per process without Redis", async () => {
    const memory = new MemoryRateCounter();
    expect([(await memory.hit("k", WINDOW_MS)).count, (await memory.hit("k", WINDOW_MS)).count, (await memory.hit("j", WINDOW_MS)).count]).toEqual([1, 2, 1]);
  });
});
