import { pino, type Logger } from "pino";
import type { Database } from "../db/open-database.js";
import { BullMqQueue } from "../jobs/bullmq-queue.js";
import { InProcessQueue } from "../jobs/in-process-queue.js";
import type { JobQueue } from "../jobs/job-queue.js";
import { PluginRegistry } from "../plugins/registry.js";
import type { AssetPlugin } from "../plugins/types.js";
import type { StorageDriver } from "../storage/storage-driver.js";
import { IngestService } from "./ingest-service.js";
import { ObjectStore } from "./object-store.js";
import { Sweeper } from "./processing/sweeper.js";
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from "./upload-limits.js";
import { UploadRunner, exponentialBackoff, type RetryPolicy } from "./processing/upload-runner.js";
import { JobRunner } from "./processing/job-runner.js";

/** How to build the upload pipeline. */
export interface PipelineOptions {
  db: Database;
  storage: StorageDriver;
  /** The same plugins the router gets: their types' processors run here. */
  plugins?: readonly AssetPlugin[];
  /** Job backend; default: BullMQ when `redisUrl` is given, else in-process. */
  queue?: JobQueue;
  redisUrl?: string;
  log?: Logger;
  limits?: Partial<UploadLimits>;
  retry?: Partial<Omit<RetryPolicy, "backoffMs">> & { backoffBaseMs?: number };
  /** Sweep for lost jobs and expired requests this often (default 15 s). */
  sweepIntervalMs?: number;
  /** A `received` upload waiting this long is presumed to have lost its job (default 60 s). */
  staleAfterMs?: number;
  /** Staged bytes no live upload owns (left by a crash) are removed once idle this long (default 10 min). */
  stagingGraceMs?: number;
}

/** The running parts of the upload pipeline. */
export interface Pipeline {
  readonly db: Database;
  readonly storage: StorageDriver;
  readonly queue: JobQueue;
  readonly objects: ObjectStore;
  readonly ingest: IngestService;
  readonly runner: UploadRunner;
  /** Runs every job the queue delivers (uploads through {@link runner}, the plugins' kinds) and enqueues plugin jobs. */
  readonly jobs: JobRunner;
  readonly sweeper: Sweeper;
  readonly limits: UploadLimits;
  readonly registry: PluginRegistry;
  /** Runs every plugin's `init` once, in order (later calls return the same promise). */
  init(): Promise<void>;
  /** Runs jobs in this process (the in-process backend, or an `assets worker`), after {@link init}. */
  startWorker(concurrency?: number): Promise<void>;
  /** Recovers unfinished work now and keeps sweeping. Run it in at least one process. */
  startSweeper(): void;
  /**
   * Stops sweeping and consuming, waits for running jobs, then closes the plugins (their
   * `close`, last registered first). Does not close the database.
   */
  close(): Promise<void>;
}

/**
 * Wires storage, the job backend and the plugins' processors into one
 * pipeline. A server typically calls `startSweeper()` and, without Redis,
 * `startWorker()`; `assets worker` processes call both against Redis.
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const log = options.log ?? pino({ level: process.env.LOG_LEVEL ?? "info" });
  const registry = new PluginRegistry(options.plugins ?? []);
  const queue = options.queue ?? (options.redisUrl ? new BullMqQueue({ url: options.redisUrl }) : new InProcessQueue());
  const limits: UploadLimits = { ...DEFAULT_UPLOAD_LIMITS, ...options.limits };
  const retry: RetryPolicy = {
    maxAttempts: options.retry?.maxAttempts ?? 5,
    leaseMs: options.retry?.leaseMs ?? 30_000,
    backoffMs: exponentialBackoff(options.retry?.backoffBaseMs ?? 2_000),
  };
  const db = options.db.prisma;
  const objects = new ObjectStore(db, options.storage);
  const runner = new UploadRunner({ db, storage: options.storage, objects, types: registry.types, queue, log, retry });
  const jobs = new JobRunner({ db, storage: options.storage, queue, log, retry, kinds: registry.jobKinds, uploads: runner });
  const ingest = new IngestService({ db, objects, types: registry.types, queue, limits, log });
  const sweeper = new Sweeper({ db, storage: options.storage, objects, queue, log, stagingGraceMs: options.stagingGraceMs, jobLeaseMs: retry.leaseMs });
  let closing: Promise<void> | undefined;
  let initialized: Promise<void> | undefined;
  const init = () => {
    initialized ??= (async () => {
      for (const plugin of registry.plugins) await plugin.init?.({ db: options.db, log: log.child({ plugin: plugin.name }), storage: options.storage });
    })();
    return initialized;
  };
  return {
    db: options.db,
    storage: options.storage,
    queue,
    objects,
    ingest,
    runner,
    jobs,
    sweeper,
    limits,
    registry,
    init,
    startWorker: async (concurrency = 2) => {
      await init();
      await queue.consume(jobs.run, concurrency);
    },
    startSweeper: () => sweeper.start(options.sweepIntervalMs ?? 15_000, options.staleAfterMs ?? 60_000),
    close() {
      closing ??= (async () => {
        await sweeper.stop();
        await queue.close();
        // Every plugin is closed even if one fails; the first failure is reported.
        let failure: unknown;
        for (const plugin of [...registry.plugins].reverse()) {
          try {
            await plugin.close?.();
          } catch (error) {
            failure ??= error;
          }
        }
        if (failure !== undefined) throw failure;
      })();
      return closing;
    },
  };
}
