import type { Locker } from "@tus/server";
import type { Logger } from "pino";
import type { Db } from "../../db/open-database.js";
import { AppError, Errors } from "../../errors/index.js";
import type { Job, Prisma, Upload } from "../../generated/prisma/client.js";
import type { IngestService } from "../ingest-service.js";
import { IllegalTransitionError, PROCESS_UPLOAD, createRequestedUpload, transitionUpload } from "../upload-states.js";
import type { ServiceContext } from "../../services/service-context.js";
import type { ChecksummedFileStore, WriteObserver } from "./checksummed-file-store.js";
import { TusLiveStaging } from "./tus-live-staging.js";
import { metadataChecksums, type TusCreation } from "./tus-metadata.js";

/** Dependencies of {@link TusUploadService}. */
export interface TusUploadServiceOptions {
  db: Db;
  ingest: IngestService;
  /** The tus store holding partial uploads. */
  store: ChecksummedFileStore;
  /** The tus server's locker, so finishing excludes the tus handlers working on the same upload. */
  locker: Locker;
  /** How long an unfinished upload may wait for its bytes (the store's expiration period). */
  expirationMs: number;
  log: Logger;
}

/** A finished tus upload: the Upload (`received` or later) and its processing job. */
export interface TusFinished {
  upload: Upload;
  job: Job | null;
}

/** Marks the rows this service owns: `metadata.protocol`. */
const PROTOCOL = "tus";

/**
 * The database side of tus uploads. The tus upload id is the Upload's `uuid`:
 * creation records an Upload in state `requested` (uploader, filename, type,
 * expiry), and once every byte is in the tus store, finishing streams the
 * file through the pipeline (hashing, checksums, content-addressed storage),
 * moves the row to `received` with a queued job, and deletes the tus file.
 */
export class TusUploadService {
  readonly #live: TusLiveStaging;

  constructor(private readonly options: TusUploadServiceOptions) {
    this.#live = new TusLiveStaging(options.ingest, options.log);
  }

  /** Records a new tus upload of `size` bytes (undefined: deferred) for the caller. */
  async create(ctx: ServiceContext, id: string, creation: TusCreation, size: number | undefined): Promise<Upload> {
    const { ingest, expirationMs } = this.options;
    const uploaderId = ingest.assertMayUpload(ctx);
    if (size === 0) throw Errors.EMPTY_FILE({ detail: "The file is empty (Upload-Length: 0)" });
    const type = ingest.resolveType(creation.filename, creation.type);
    const metadata = {
      ...creation.attributes,
      ...(creation.originalFilename && creation.originalFilename !== creation.filename ? { original_filename: creation.originalFilename } : {}),
      protocol: PROTOCOL,
    };
    return createRequestedUpload(ctx.db, {
      uuid: id,
      filename: creation.filename,
      type: type?.key ?? null,
      mime_type: creation.mimeType ?? null,
      uploader_id: uploaderId,
      expires_at: new Date(Date.now() + expirationMs),
      metadata: metadata as Prisma.InputJsonObject,
    });
  }

  /** The caller's tus upload `id`; anyone else's, or an upload made another way, is a 404. */
  async find(ctx: ServiceContext, id: string): Promise<Upload> {
    const userId = this.options.ingest.assertMayUpload(ctx);
    const row = await ctx.db.upload.findFirst({ where: { uuid: id.toLowerCase(), uploader_id: userId } });
    if (!row || (row.metadata as Record<string, unknown> | null)?.protocol !== PROTOCOL) throw Errors.NOT_FOUND({ detail: `You have no resumable upload '${id}'` });
    return row;
  }

  /** The size limit for the upload's type. */
  maxSize(row: Pick<Upload, "filename" | "type">): number {
    return this.options.ingest.maxSize(this.options.ingest.resolveType(row.filename, row.type ?? undefined));
  }

  /**
   * Termination (tus DELETE): the upload becomes `rejected` and stays listed
   * as cancelled; the caller then removes the partial bytes. A finished upload
   * cannot be terminated (409; `DELETE /uploads/:id` removes it).
   */
  async terminate(row: Upload): Promise<void> {
    try {
      await transitionUpload(this.options.db, row.id, ["requested"], "rejected", { data: { state_detail: "Cancelled: the client terminated the resumable upload" } });
    } catch (error) {
      if (error instanceof IllegalTransitionError) throw Errors.CONFLICT({ detail: `Upload ${row.id} is complete and cannot be terminated; DELETE /uploads/${row.id} removes it` });
      throw error;
    }
  }

  /**
   * An observer for a write of the caller's upload `row` (tus id `id`) at
   * `offset` whose body is `contentLength` bytes (undefined: unknown): when the
   * write carries the whole file from offset 0, the bytes are staged in the
   * pipeline while they stream, and finishing uses them instead of reading
   * the tus file back.
   */
  async observeWrite(ctx: ServiceContext, row: Upload, id: string, offset: number, contentLength: number | undefined): Promise<WriteObserver | undefined> {
    if (offset !== 0) return undefined;
    const file = await this.options.store.getUpload(id).catch(() => null);
    if (!file?.size || (contentLength !== undefined && contentLength !== file.size)) return undefined;
    // The tus file itself becomes the staged object when storage can link it: the bytes are written once.
    const { store, ingest } = this.options;
    const linked = (await ingest.linksFrom(store.directory)) ? store.filePath(id) : undefined;
    return this.#live.observe(ctx, row, id, file.size, metadataChecksums(file.metadata), linked);
  }

  /** True when the tus store holds every byte of upload `id`. */
  async bytesComplete(id: string): Promise<boolean> {
    const file = await this.options.store.getUpload(id).catch(() => null);
    return file !== null && file.size !== undefined && file.offset === file.size;
  }

  /**
   * Hands a complete tus file to the pipeline: `received` and a queued job,
   * then deletes the tus file. Idempotent and exclusive (under the upload's
   * tus lock): a finished upload returns its upload and job again; null while
   * bytes are missing. A permanent failure (checksum, the upload expired or
   * was cancelled meanwhile) rejects the upload and deletes its bytes; a
   * transient one (429, storage or database errors) keeps them, and the next
   * HEAD or an empty PATCH at the final offset finishes again.
   */
  async finish(ctx: ServiceContext, id: string): Promise<TusFinished | null> {
    const { db, ingest, store, locker, log } = this.options;
    const lock = locker.newLock(id);
    // Never give the lock up early: a waiting HEAD or DELETE gets the outcome, not half of it.
    await lock.lock(new AbortController().signal, async () => undefined);
    const live = this.#live.take(id);
    let staged = live?.staged;
    try {
      const row = await db.upload.findUnique({ where: { uuid: id } });
      if (!row) throw Errors.NOT_FOUND({ detail: `Resumable upload '${id}' no longer exists` });
      if (row.state === "rejected") throw Errors.UPLOAD_GONE({ detail: `Upload ${row.id} was rejected: ${row.state_detail}` });
      if (row.state !== "requested") return { upload: row, job: await this.latestJob(row.id) };
      const file = await store.getUpload(id).catch(() => null);
      if (!file || file.size === undefined || file.offset !== file.size) return null;
      try {
        if (live?.error && isPermanent(live.error)) throw live.error;
        // Staged while the last PATCH streamed, or else read back from the tus file now.
        staged ??= await ingest.store(ctx, {
          body: store.read(id),
          filename: row.filename,
          type: row.type ?? undefined,
          declaredSize: file.size,
          declaredMimeType: row.mime_type ?? undefined,
          expected: metadataChecksums(file.metadata),
        });
        const result = await ingest.register(ctx, staged, {
          uploadId: row.id,
          filename: row.filename,
          type: row.type ?? undefined,
          declaredMimeType: row.mime_type ?? undefined,
          metadata: row.metadata as Record<string, unknown>,
        });
        staged = undefined;
        // Not awaited: deleting a file of hundreds of MB costs ~0.3 s (the kernel drops its cached pages), and
        // nothing reads it once the row is `received`. What a failed delete leaves, the store's expiry removes.
        void store.remove(id).catch((error: unknown) => log.warn({ err: error, id }, "could not delete a finished tus file; expiry will"));
        return result;
      } catch (error) {
        if (isPermanent(error)) await this.abandon(row.id, id, error);
        throw error;
      }
    } finally {
      // Bytes staged but not registered (a failure, or nothing left to finish) are dropped.
      if (staged) await ingest.discard(staged).catch(() => undefined);
      await lock.unlock();
    }
  }

  private async abandon(uploadId: number, id: string, error: AppError): Promise<void> {
    await transitionUpload(this.options.db, uploadId, ["requested"], "rejected", { data: { state_detail: `Rejected: ${error.detail}` } }).catch((e: unknown) => {
      if (!(e instanceof IllegalTransitionError)) throw e;
    });
    await this.options.store.remove(id).catch(() => undefined);
  }

  private latestJob(uploadId: number): Promise<Job | null> {
    return this.options.db.job.findFirst({ where: { kind: PROCESS_UPLOAD, subject_id: uploadId }, orderBy: { created_at: "desc" } });
  }
}

/** Failures that retrying the same bytes cannot fix. */
function isPermanent(error: unknown): error is AppError {
  return error instanceof AppError && error.status < 500 && error.status !== 429 && !Errors.UPLOAD_INTERRUPTED.is(error);
}
