import { extname } from "node:path";
import { fileTypeFromBuffer } from "file-type";
import type { Logger } from "pino";
import type { Db } from "../../db/open-database.js";
import type { Prisma, Upload } from "../../generated/prisma/client.js";
import type { AssetTypeDefinition } from "../../plugins/types.js";
import type { StorageDriver } from "../../storage/storage-driver.js";
import type { JobQueue } from "../../jobs/job-queue.js";
import type { ObjectStore } from "../object-store.js";
import { UnrecoverableError, type Processor, type StoredFile } from "./processor.js";
import { IllegalTransitionError, PROCESS_UPLOAD, claimUpload, renewUploadLease, transitionUpload } from "../upload-states.js";

/** How the runner retries and how long a claim lasts. */
export interface RetryPolicy {
  /** Attempts before an upload is rejected (a processor may lower or raise it). */
  maxAttempts: number;
  /** Delay before attempt `attempt + 1`, given the attempt that just failed (1-based). */
  backoffMs(attempt: number): number;
  /** How long a claim holds without a heartbeat; a dead worker's upload is taken over after it. */
  leaseMs: number;
}

/** Doubling backoff from `baseMs`, capped at `maxMs`. */
export function exponentialBackoff(baseMs: number, maxMs = 10 * 60_000): (attempt: number) => number {
  return (attempt) => Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Dependencies of {@link UploadRunner}. */
export interface UploadRunnerOptions {
  db: Db;
  storage: StorageDriver;
  objects: ObjectStore;
  types: ReadonlyMap<string, AssetTypeDefinition>;
  queue: JobQueue;
  log: Logger;
  retry: RetryPolicy;
}

/** Bytes `file-type` needs to recognise any format it knows. */
const SNIFF_BYTES = 4100;

/** Rejects as soon as `signal` aborts, even if `work` ignores the signal and keeps running. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

class LeaseLostError extends Error {
  constructor() {
    super("The processing lease was taken over by another worker");
    this.name = "LeaseLostError";
  }
}

/**
 * Runs one upload's job: claims the upload with a guarded update and a lease,
 * runs its type's processors, and ends in `committed` (the type's commit hook
 * in the same transaction), `rejected`, or `retry` with backoff. Every end
 * state is written only while this worker still holds the claim.
 */
export class UploadRunner {
  constructor(private readonly options: UploadRunnerOptions) {}

  /** The queue handler: never throws; outcomes are recorded on the upload and the job. */
  readonly run = async (jobId: string): Promise<void> => {
    const { db, log } = this.options;
    const job = await db.job.findUnique({ where: { id: jobId } });
    if (!job || job.kind !== PROCESS_UPLOAD || job.subject_id === null || job.state === "succeeded" || job.state === "failed") return;
    const claim = await claimUpload(db, job.subject_id, { ms: this.options.retry.leaseMs, jobStartedAt: job.started_at ?? new Date() });
    if (!claim) return;
    const { upload, token } = claim;
    const jobLog = log.child({ jobId, uploadId: upload.id, attempt: upload.attempts });

    const lease = new AbortController();
    const heartbeat = setInterval(() => {
      void this.renewLease(upload.id, token).then(
        (held) => held || lease.abort(new LeaseLostError()),
        (error: unknown) => jobLog.warn({ err: error }, "lease renewal failed"),
      );
    }, Math.max(50, Math.floor(this.options.retry.leaseMs / 3)));
    let failedProcessor: Processor | undefined;
    const type = upload.type ? this.options.types.get(upload.type) : undefined;
    const deadline = type?.timeLimitMs ? AbortSignal.timeout(type.timeLimitMs) : undefined;
    const signal = deadline ? AbortSignal.any([lease.signal, deadline]) : lease.signal;
    try {
      if (upload.type && !type) throw new UnrecoverableError(`No asset type '${upload.type}' is registered to process this upload`);
      const mimeType = await this.checkContent(upload, type);
      const results: Record<string, unknown> = {};
      const processors = (type?.processors ?? []).filter((p) => p.accepts?.(upload) ?? true);
      for (const [index, processor] of processors.entries()) {
        failedProcessor = processor;
        signal.throwIfAborted();
        const run = processor.run(
          {
            upload,
            file: this.storedFile(upload),
            storage: this.options.storage,
            db,
            log: jobLog.child({ processor: processor.name }),
            results,
            progress: (percent) => this.progress(jobId, (index + Math.min(100, Math.max(0, percent)) / 100) / processors.length),
          },
          signal,
        );
        results[processor.name] = await untilAborted(run, signal);
      }
      failedProcessor = undefined;
      lease.signal.throwIfAborted();
      await this.commit(upload, token, jobId, type, results, mimeType, jobLog);
      jobLog.info({ processors: processors.map((p) => p.name) }, "upload committed");
    } catch (error) {
      const cause = lease.signal.aborted
        ? new LeaseLostError()
        : deadline?.aborted
          ? new UnrecoverableError(`Processing took longer than the ${(type?.timeLimitMs ?? 0) / 1000} s time limit of ${type?.key} uploads`, { cause: error })
          : error;
      await this.fail(upload, token, jobId, cause, failedProcessor, jobLog);
    } finally {
      clearInterval(heartbeat);
    }
  };

  private renewLease(uploadId: number, token: string): Promise<boolean> {
    return renewUploadLease(this.options.db, uploadId, token, new Date(Date.now() + this.options.retry.leaseMs));
  }

  /** Sniffs the content and holds it against what the type accepts. Returns the MIME type to record. */
  private async checkContent(upload: Upload, type: AssetTypeDefinition | undefined): Promise<string | null> {
    if (!upload.storage_key) throw new UnrecoverableError("The upload has no stored bytes");
    const head = await this.options.storage.read(upload.storage_key, 0, SNIFF_BYTES);
    const sniffed = (await fileTypeFromBuffer(head))?.mime ?? null;
    const accepts = type?.accepts;
    if (accepts?.extensions?.length) {
      const extension = extname(upload.filename).toLowerCase();
      if (!accepts.extensions.includes(extension)) {
        throw new UnrecoverableError(`Unsupported file extension '${extension || "(none)"}' for ${type?.key}: expected ${accepts.extensions.join(", ")}`);
      }
    }
    if (accepts?.mimeTypes?.length && !(sniffed && accepts.mimeTypes.includes(sniffed))) {
      const declared = upload.mime_type ? ` (declared ${upload.mime_type})` : "";
      throw new UnrecoverableError(
        `Unsupported content: the file is ${sniffed ?? "not of a recognised format"}${declared}, but ${type?.key} accepts ${accepts.mimeTypes.join(", ")}`,
      );
    }
    return sniffed ?? upload.mime_type;
  }

  private storedFile(upload: Upload): StoredFile {
    const { storage } = this.options;
    const key = upload.storage_key as string;
    return {
      key,
      size: Number(upload.size ?? 0),
      open: () => storage.get(key),
      openRange: (start, end) => storage.getRange(key, start, end),
      read: (offset, length) => storage.read(key, offset, length),
    };
  }

  private lastProgress = new Map<string, number>();

  private async progress(jobId: string, fraction: number): Promise<void> {
    // 100 is written only with the commit, so a client never sees 100 on a job that then fails.
    const percent = Math.min(99, Math.floor(fraction * 100));
    if (this.lastProgress.get(jobId) === percent) return;
    this.lastProgress.set(jobId, percent);
    await this.options.db.job.update({ where: { id: jobId }, data: { progress: percent } });
  }

  private async commit(
    upload: Upload,
    token: string,
    jobId: string,
    type: AssetTypeDefinition | undefined,
    results: Record<string, unknown>,
    mimeType: string | null,
    log: Logger,
  ): Promise<void> {
    this.lastProgress.delete(jobId);
    await this.options.db.$transaction(async (tx) => {
      await transitionUpload(tx, upload.id, ["processing"], "committed", { data: { state_detail: "", mime_type: mimeType }, claim: token, job: { progress: 100, error: null } });
      const outcome = await type?.commit?.(tx, { upload, results, log });
      const resourceId = outcome?.resourceId ?? upload.resource_id;
      if (resourceId !== upload.resource_id) await tx.upload.update({ where: { id: upload.id }, data: { resource_id: resourceId } });
      const result: Prisma.InputJsonValue = { upload_id: upload.id, resource_id: resourceId ?? null, results: results as Prisma.InputJsonObject };
      await tx.job.update({ where: { id: jobId }, data: { result } });
    });
  }

  private async fail(upload: Upload, token: string, jobId: string, error: unknown, processor: Processor | undefined, log: Logger): Promise<void> {
    this.lastProgress.delete(jobId);
    if (error instanceof LeaseLostError || error instanceof IllegalTransitionError) {
      log.warn({ err: error }, "lost the claim; another worker owns the upload now");
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const step = processor ? `${processor.name}: ` : "";
    const maxAttempts = processor?.maxAttempts ?? this.options.retry.maxAttempts;
    const { db } = this.options;
    try {
      if (error instanceof UnrecoverableError || upload.attempts >= maxAttempts) {
        const reason = error instanceof UnrecoverableError ? `${step}${message}` : `${step}${message} (gave up after ${upload.attempts} attempts)`;
        // The bytes are released (another upload may share them), so the key goes too.
        await transitionUpload(db, upload.id, ["processing"], "rejected", { data: { state_detail: reason, storage_key: null }, claim: token, job: { error: reason } });
        if (upload.sha256 && upload.storage_key) await this.options.objects.release(upload.sha256);
        log.info({ reason }, "upload rejected");
        return;
      }
      const delay = this.options.retry.backoffMs(upload.attempts);
      const nextAttemptAt = new Date(Date.now() + delay);
      const detail = `Attempt ${upload.attempts} of ${maxAttempts} failed: ${step}${message}; retrying at ${nextAttemptAt.toISOString()}`;
      await transitionUpload(db, upload.id, ["processing"], "retry", { data: { state_detail: detail, next_attempt_at: nextAttemptAt }, claim: token, job: { error: `${step}${message}` } });
      log.warn({ err: error, delay }, "upload processing failed; will retry");
      await this.options.queue.enqueue(jobId, delay).catch((e: unknown) => log.warn({ err: e }, "re-enqueue failed; the sweeper will pick the retry up"));
    } catch (recordError) {
      // Could not record the outcome (database down, claim lost): the lease runs out and the sweeper retries.
      log.error({ err: recordError, cause: error }, "could not record the processing failure");
    }
  }
}
