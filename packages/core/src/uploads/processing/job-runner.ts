import type { Logger } from "pino";
import type { Db } from "../../db/open-database.js";
import type { Job, Prisma } from "../../generated/prisma/client.js";
import { AppError } from "../../errors/index.js";
import type { JobQueue } from "../../jobs/job-queue.js";
import { normalizeUuid } from "../../query/parse-value.js";
import type { StorageDriver } from "../../storage/storage-driver.js";
import { PROCESS_UPLOAD } from "../upload-states.js";
import type { EnqueueJob, JobKind, PluginJobs } from "./job-kind.js";
import { UnrecoverableError } from "./processor.js";
import type { RetryPolicy, UploadRunner } from "./upload-runner.js";

/** Dependencies of {@link JobRunner}. */
export interface JobRunnerOptions {
  db: Db;
  storage: StorageDriver;
  queue: JobQueue;
  log: Logger;
  retry: RetryPolicy;
  kinds: ReadonlyMap<string, JobKind>;
  uploads: UploadRunner;
}

/**
 * The queue's one handler: an upload's job goes to the {@link UploadRunner}, any other kind to
 * the plugin's {@link JobKind}. A plugin job is claimed with one guarded update (`queued|retry ->
 * running`, so a redelivered id runs once; or `running` whose heartbeat stopped for a lease, a
 * dead worker's) and ends `succeeded` with its result, `failed` with the reason, or `retry` with
 * backoff, each written only while the claiming attempt still holds it.
 */
export class JobRunner implements PluginJobs {
  constructor(private readonly options: JobRunnerOptions) {}

  async enqueue(request: EnqueueJob): Promise<Job> {
    if (!this.options.kinds.has(request.kind)) throw new AppError("UNKNOWN_JOB_KIND", 500, `No plugin defines jobs of kind '${request.kind}'`);
    const job = await this.options.db.job.create({
      data: { kind: request.kind, payload: request.payload, subject_id: request.subjectId ?? null, user_id: request.userId ?? null, state: "queued" },
    });
    await this.options.queue.enqueue(job.id);
    return job;
  }

  async get(id: string): Promise<Job | null> {
    const uuid = normalizeUuid(id);
    return uuid ? this.options.db.job.findUnique({ where: { id: uuid } }) : null;
  }

  /** The queue handler: never throws; outcomes are recorded on the job. */
  readonly run = async (jobId: string): Promise<void> => {
    const { db, log } = this.options;
    const job = await db.job.findUnique({ where: { id: jobId }, select: { kind: true } });
    if (!job) return;
    if (job.kind === PROCESS_UPLOAD) return this.options.uploads.run(jobId);
    const kind = this.options.kinds.get(job.kind);
    const leaseMs = this.options.retry.leaseMs;
    // A job `running` without a heartbeat for a lease lost its worker: it may be taken over.
    const { count } = await db.job.updateMany({
      where: { id: jobId, OR: [{ state: { in: ["queued", "retry"] } }, { state: "running", updated_at: { lt: new Date(Date.now() - leaseMs) } }] },
      data: { state: "running", attempts: { increment: 1 }, started_at: new Date() },
    });
    if (count === 0) return;
    const claimed = await db.job.findUniqueOrThrow({ where: { id: jobId } });
    // The attempt number is the claim: every later write of this attempt is guarded by it.
    const mine = { id: jobId, state: "running" as const, attempts: claimed.attempts };
    const jobLog = log.child({ jobId, kind: claimed.kind, attempt: claimed.attempts });
    const lease = new AbortController();
    const heartbeat = setInterval(() => {
      void db.job.updateMany({ where: mine, data: { updated_at: new Date() } }).then(
        ({ count: held }) => held || lease.abort(new Error("The job was taken over by another worker")),
        (error: unknown) => jobLog.warn({ err: error }, "job heartbeat failed"),
      );
    }, Math.max(50, Math.floor(leaseMs / 3)));
    try {
      if (!kind) throw new UnrecoverableError(`No plugin registered here runs jobs of kind '${claimed.kind}'`);
      const result = await kind.run(
        {
          job: claimed,
          db,
          storage: this.options.storage,
          log: jobLog,
          progress: (percent) => this.write(mine, { progress: Math.min(99, Math.max(0, Math.floor(percent))) }),
        },
        lease.signal,
      );
      lease.signal.throwIfAborted();
      await this.write(mine, { state: "succeeded", progress: 100, result, error: null, finished_at: new Date() });
      jobLog.info("job succeeded");
    } catch (error) {
      if (lease.signal.aborted) jobLog.warn({ err: error }, "lost the job to another worker");
      else await this.fail(mine, claimed, kind, error, jobLog);
    } finally {
      clearInterval(heartbeat);
    }
  };

  /** Writes `data` while this attempt still holds the job. */
  private async write(mine: Prisma.JobWhereInput, data: Prisma.JobUpdateManyMutationInput): Promise<void> {
    await this.options.db.job.updateMany({ where: mine, data });
  }

  private async fail(mine: Prisma.JobWhereInput, job: Job, kind: JobKind | undefined, error: unknown, log: Logger): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    const maxAttempts = kind?.maxAttempts ?? this.options.retry.maxAttempts;
    try {
      if (error instanceof UnrecoverableError || job.attempts >= maxAttempts) {
        const reason = error instanceof UnrecoverableError ? message : `${message} (gave up after ${job.attempts} attempts)`;
        await this.write(mine, { state: "failed", error: reason, finished_at: new Date() });
        log.info({ reason }, "job failed");
        return;
      }
      const delay = this.options.retry.backoffMs(job.attempts);
      await this.write(mine, { state: "retry", error: message });
      log.warn({ err: error, delay }, "job failed; will retry");
      await this.options.queue.enqueue(job.id, delay).catch((e: unknown) => log.warn({ err: e }, "re-enqueue failed; the sweeper will pick the retry up"));
    } catch (recordError) {
      log.error({ err: recordError, cause: error }, "could not record the job's failure");
    }
  }
}
