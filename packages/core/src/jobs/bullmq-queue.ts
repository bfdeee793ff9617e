import { createRequire } from "node:module";
import type { Queue, Worker } from "bullmq";
import type { Redis, RedisOptions } from "ioredis";
import type { JobHandler, JobQueue } from "./job-queue.js";

// BullMQ and ioredis load when a queue is made, not with the core: a server without REDIS_URL
// (in-process jobs) never needs them, and they were ~25 MiB of its idle RSS.
const load = createRequire(import.meta.url);
interface Libraries {
  bullmq: typeof import("bullmq");
  ioredis: typeof import("ioredis");
}
let libraries: Libraries | undefined;
function lib(): Libraries {
  libraries ??= { bullmq: load("bullmq"), ioredis: load("ioredis") };
  return libraries;
}

/** Options for {@link BullMqQueue}. */
export interface BullMqQueueOptions {
  /** e.g. `redis://127.0.0.1:6379`. */
  url: string;
  /** Queue name; one per deployment (default `assets-jobs`). */
  name?: string;
  /** Redis key prefix, so tests and deployments can share a server (default `bull`). */
  prefix?: string;
}

interface Message {
  jobId: string;
}

/**
 * The production backend: ids travel through Redis to `assets worker`
 * processes on any machine. BullMQ's own retries are off (attempts: 1): the
 * runner decides retries and backoff in the database, the same as in-process.
 * BullMQ's stalled-job check still redelivers an id whose worker died, which
 * the runner's lease turns into a takeover once the lease has expired.
 */
export class BullMqQueue implements JobQueue {
  readonly backend = "bullmq";
  readonly #options: Required<BullMqQueueOptions>;
  readonly #connection: Redis;
  readonly #queue: Queue<Message>;
  #worker: Worker<Message> | null = null;

  constructor(options: BullMqQueueOptions) {
    this.#options = { name: "assets-jobs", prefix: "bull", ...options };
    this.#connection = new (lib().ioredis.Redis)(options.url, redisOptions());
    // Don't surface reconnect noise as unhandled 'error' events; enqueue calls reject instead.
    this.#connection.on("error", () => undefined);
    this.#queue = new (lib().bullmq.Queue<Message>)(this.#options.name, { connection: this.#connection, prefix: this.#options.prefix });
    this.#queue.on("error", () => undefined);
  }

  async ping(): Promise<void> {
    await this.#connection.ping();
  }

  async enqueue(jobId: string, delayMs = 0): Promise<void> {
    await this.#queue.add("run", { jobId }, { delay: Math.max(0, delayMs), attempts: 1, removeOnComplete: 1000, removeOnFail: 1000 });
  }

  async consume(handler: JobHandler, concurrency: number): Promise<void> {
    const connection = new (lib().ioredis.Redis)(this.#options.url, { ...redisOptions(), maxRetriesPerRequest: null });
    connection.on("error", () => undefined);
    this.#worker = new (lib().bullmq.Worker<Message>)(this.#options.name, async (job) => handler(job.data.jobId), {
      connection,
      prefix: this.#options.prefix,
      concurrency: Math.max(1, concurrency),
      // A dead worker's job is redelivered after this; the runner's lease decides whether it may run.
      stalledInterval: 5000,
      maxStalledCount: 1000,
    });
    this.#worker.on("error", () => undefined);
    await this.#worker.waitUntilReady();
  }

  async close(): Promise<void> {
    if (this.#worker) {
      await this.#worker.close();
      await this.#worker.disconnect();
    }
    await this.#queue.close();
    this.#connection.disconnect();
  }
}

function redisOptions(): RedisOptions {
  // Keep retrying across a Redis restart instead of giving up after a few attempts.
  return { lazyConnect: false, retryStrategy: (times) => Math.min(times * 200, 2000) };
}
