import type { Logger } from "pino";
import type { Db } from "../../db/open-database.js";
import type { StorageDriver } from "../../storage/storage-driver.js";
import type { JobQueue } from "../../jobs/job-queue.js";
import type { AbandonedStaging, ObjectStore } from "../object-store.js";
import { IllegalTransitionError, PROCESS_UPLOAD, transitionUpload } from "../upload-states.js";

/** Dependencies of {@link Sweeper}. */
export interface SweeperOptions {
  db: Db;
  storage: StorageDriver;
  objects: ObjectStore;
  queue: JobQueue;
  log: Logger;
  /**
   * Staged bytes (partial writes, staged objects) that no live upload owns
   * are removed once idle this long (default 10 min). Keep it above the
   * longest stall of a live upload's client in another process.
   */
  stagingGraceMs?: number;
  /** A plugin job `running` without a heartbeat this long lost its worker and is queued again (default 30 s). */
  jobLeaseMs?: number;
}

/** What one sweep did. */
export interface SweepReport {
  /** Jobs of unfinished uploads queued again. */
  requeued: number;
  /** Upload requests expired. */
  expired: number;
  /** Staged bytes that crashes left behind, removed. */
  abandoned: AbandonedStaging;
}

/** Default of {@link SweeperOptions.stagingGraceMs}. */
export const DEFAULT_STAGING_GRACE_MS = 10 * 60_000;

const BATCH = 500;

/**
 * The database is the truth about unfinished work; queues only carry hints.
 * A sweep re-queues uploads whose job may have been lost (a restart of the
 * in-process queue, Redis losing its data, a worker killed mid-job) and
 * expires upload requests whose bytes never completed, deleting their bytes,
 * and removes staged bytes that no live upload owns (left by a process killed
 * mid-upload). Re-queueing something still queued is harmless: the runner's claim is guarded.
 */
export class Sweeper {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> | null = null;

  constructor(private readonly options: SweeperOptions) {}

  /** One pass. `staleMs`: how long a `received` upload may wait before its job is presumed lost. */
  async sweep(staleMs: number): Promise<SweepReport> {
    return { requeued: await this.requeue(staleMs), expired: await this.expire(), abandoned: await this.removeAbandoned() };
  }

  /** Sweeps now (everything unfinished is requeued), then every `intervalMs`. */
  start(intervalMs: number, staleMs: number): void {
    const run = (stale: number) => {
      if (this.#running) return;
      this.#running = this.sweep(stale)
        .catch((error: unknown) => this.options.log.warn({ err: error }, "sweep failed"))
        .finally(() => (this.#running = null));
    };
    run(0);
    this.#timer = setInterval(() => run(staleMs), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  private async requeue(staleMs: number): Promise<number> {
    const { db, queue } = this.options;
    const now = Date.now();
    const stale = await db.upload.findMany({
      where: {
        OR: [
          { state: "received", updated_at: { lte: new Date(now - staleMs) } },
          { state: "processing", lease_expires_at: { lt: new Date(now) } },
          { state: "retry", next_attempt_at: { lte: new Date(now - staleMs) } },
        ],
      },
      select: { id: true },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    const jobs = stale.length === 0 ? [] : await db.job.findMany({
      where: { kind: PROCESS_UPLOAD, subject_id: { in: stale.map((u) => u.id) }, state: { notIn: ["succeeded", "failed"] } },
      select: { id: true },
    });
    // Plugin jobs (kinds other than uploads) waiting this long lost their queue message; one in
    // `retry` only once past the longest backoff (10 minutes), so a retry never runs early; one
    // `running` whose heartbeat stopped for a lease lost its worker.
    const pluginJobs = await db.job.findMany({
      where: {
        kind: { not: PROCESS_UPLOAD },
        OR: [
          { state: "queued", updated_at: { lte: new Date(now - staleMs) } },
          { state: "retry", updated_at: { lte: new Date(now - Math.max(staleMs, 10 * 60_000)) } },
          { state: "running", updated_at: { lt: new Date(now - (this.options.jobLeaseMs ?? 30_000)) } },
        ],
      },
      select: { id: true },
      orderBy: { created_at: "asc" },
      take: BATCH,
    });
    for (const job of [...jobs, ...pluginJobs]) await queue.enqueue(job.id);
    if (jobs.length) this.options.log.info({ count: jobs.length }, "re-queued unfinished uploads");
    if (pluginJobs.length) this.options.log.info({ count: pluginJobs.length }, "re-queued waiting plugin jobs");
    return jobs.length + pluginJobs.length;
  }

  private async expire(): Promise<number> {
    const { db, storage, objects, log } = this.options;
    const expired = await db.upload.findMany({ where: { state: "requested", expires_at: { lt: new Date() } }, take: BATCH });
    let count = 0;
    for (const upload of expired) {
      try {
        await transitionUpload(db, upload.id, ["requested"], "rejected", { data: { state_detail: "Expired: the bytes did not arrive before the upload request expired", storage_key: null } });
      } catch (error) {
        if (error instanceof IllegalTransitionError) continue; // completed meanwhile
        throw error;
      }
      if (upload.storage_key?.startsWith("objects/") && upload.sha256) await objects.release(upload.sha256);
      else if (upload.storage_key?.startsWith("tmp/")) await objects.discard({ tmpKey: upload.storage_key });
      else if (upload.storage_key) await storage.delete(upload.storage_key);
      count++;
    }
    if (count) log.info({ count }, "expired upload requests");
    return count;
  }

  private async removeAbandoned(): Promise<AbandonedStaging> {
    const { objects, log, stagingGraceMs = DEFAULT_STAGING_GRACE_MS } = this.options;
    const freed = await objects.removeAbandoned(new Date(Date.now() - stagingGraceMs));
    if (freed.writes.count || freed.staged.count) {
      log.info({ writes: freed.writes, staged: freed.staged }, "removed staged bytes that no upload owns (left by a crash)");
    }
    return freed;
  }
}
