/**
 * Jobs a plugin defines beside uploads (GeoNode's copy, delete, update ...): work that goes
 * through the pipeline's one queue (in-process or BullMQ) and is recorded on the same `Job` rows
 * as upload processing, so every profile reports it the way it reports an upload's job.
 */
import type { Logger } from "pino";
import type { Db } from "../../db/open-database.js";
import type { Job, Prisma } from "../../generated/prisma/client.js";
import type { StorageDriver } from "../../storage/storage-driver.js";

/** What one attempt of a plugin job receives. */
export interface JobRunContext {
  /** The Job row, state `running`, `attempts` counting this one; `payload` is what was enqueued. */
  job: Job;
  /** Prisma: the job does its own writes (one transaction per outcome is the job's choice). */
  db: Db;
  /** Where uploads' bytes and derivatives live: copy through it, streaming. */
  storage: StorageDriver;
  /** A pino logger carrying the job id and kind. */
  log: Logger;
  /** 0-100; 100 is written with the result. */
  progress(percent: number): Promise<void>;
}

/**
 * One kind of job (`Job.kind`, unique across plugins). `run` returns the JSON recorded as
 * `Job.result` when the job succeeds. Throw `UnrecoverableError` to end the job `failed` with its
 * message; any other error is transient: the job goes to `retry` with backoff until `maxAttempts`.
 */
export interface JobKind {
  kind: string;
  run(ctx: JobRunContext, signal: AbortSignal): Promise<Prisma.InputJsonObject>;
  /** Attempts before the job fails (default: the pipeline's). */
  maxAttempts?: number;
}

/** What a caller asks of the pipeline's jobs. */
export interface EnqueueJob {
  /** A registered {@link JobKind.kind}. */
  kind: string;
  /** Ids and parameters of the work (JSON; never bytes). */
  payload: Prisma.InputJsonObject;
  /** What the job works on, e.g. a resource id; reported with the job. */
  subjectId?: number | null;
  /** Who asked for it (lists a caller's own jobs). */
  userId?: number | null;
}

/** The pipeline's jobs as plugins use them: enqueue a plugin job, read any job. */
export interface PluginJobs {
  /** Records a queued Job of a registered kind and hands it to the queue. */
  enqueue(request: EnqueueJob): Promise<Job>;
  /** A job by id (any kind), or null. */
  get(id: string): Promise<Job | null>;
}
