import { extname } from "node:path";
import type { Readable } from "node:stream";
import type { Logger } from "pino";
import { authorize } from "../access/authorize.js";
import type { Db } from "../db/open-database.js";
import { Errors } from "../errors/index.js";
import type { Job, Prisma } from "../generated/prisma/client.js";
import type { JobQueue } from "../jobs/job-queue.js";
import type { AssetTypeDefinition } from "../plugins/types.js";
import { normalizeUuid } from "../query/parse-value.js";
import type { ServiceContext } from "../services/service-context.js";
import { ChecksumMismatchError } from "../storage/hashing-stream.js";
import type { IngestRequest, IngestResult, UploadIngest } from "./ingest-types.js";
import type { ObjectStore, StagedBytes } from "./object-store.js";
import type { UploadLimits } from "./upload-limits.js";
import { receiveUpload } from "./upload-states.js";

/**
 * What one request was allowed before its bytes: made by
 * {@link IngestService.admit}, so `store` and `register` of the same request
 * do not check again.
 */
export interface Admission {
  /** The caller, who may upload. */
  readonly uploaderId: number;
  /** A resource the caller may change, checked before any byte was read. */
  readonly resourceId?: number;
}

/** Where to stream bytes and what is known before they arrive. */
export interface StoreRequest {
  body: Readable;
  filename: string;
  type?: string;
  declaredSize?: number;
  declaredMimeType?: string;
  expected?: { md5?: string; sha256?: string };
  signal?: AbortSignal;
  /** A local file that receives the same bytes, to stage instead of a copy (see `StageOptions.file`). */
  file?: Promise<string>;
  /** The request's admission; without one the caller is checked here. */
  admission?: Admission;
}

/** What to record about staged bytes. `uploadId` completes an existing `requested` upload instead of creating one. */
export interface RegisterRequest extends Omit<IngestRequest, "body" | "signal" | "expected" | "declaredSize"> {
  uploadId?: number;
  /** With `uploadId`: completes it only while this reservation of the request is held (see `reserveRequest`). */
  claim?: string;
  /** The name as the client sent it, kept in metadata when sanitizing changed it. */
  originalFilename?: string;
  /** The request's admission; without one the caller (and `resourceId`) are checked here. */
  admission?: Admission;
}

/** Dependencies of {@link IngestService}. */
export interface IngestServiceOptions {
  db: Db;
  objects: ObjectStore;
  types: ReadonlyMap<string, AssetTypeDefinition>;
  queue: JobQueue;
  limits: UploadLimits;
  log: Logger;
}

/**
 * Takes files in: checks who may upload and the limits, streams the bytes to
 * storage while hashing, then records the upload (`received`) and its job in
 * one transaction and queues the job. Routes for every ingest protocol
 * (multipart, signed PUT, tus) end here.
 */
export class IngestService implements UploadIngest {
  readonly #inFlight = new Map<number, number>();

  constructor(private readonly options: IngestServiceOptions) {}

  async ingest(ctx: ServiceContext, request: IngestRequest): Promise<IngestResult> {
    const staged = await this.store(ctx, request);
    return this.register(ctx, staged, request);
  }

  async job(id: string): Promise<Job | null> {
    const uuid = normalizeUuid(id);
    return uuid ? this.options.db.job.findUnique({ where: { id: uuid } }) : null;
  }

  /** The asset type an upload goes to: the one asked for, else the first whose extensions match, else none. */
  resolveType(filename: string, requested?: string): AssetTypeDefinition | undefined {
    if (requested) {
      const type = this.options.types.get(requested);
      if (!type) throw Errors.INVALID_BODY({ detail: `Unknown asset type '${requested}'; known: ${[...this.options.types.keys()].join(", ") || "none"}` });
      return type;
    }
    const extension = extname(filename).toLowerCase();
    return [...this.options.types.values()].find((t) => extension && t.accepts?.extensions?.includes(extension));
  }

  /** The size limit for uploads of `type`. */
  maxSize(type: AssetTypeDefinition | undefined): number {
    return Math.min(this.options.limits.maxUploadSize, type?.maxUploadSize ?? Infinity);
  }

  /** Throws unless the caller may create uploads. */
  assertMayUpload(ctx: ServiceContext): number {
    if (ctx.principal.kind !== "user") throw Errors.UNAUTHENTICATED({ detail: "Uploading needs credentials" });
    if (!ctx.ability.can("create", "Upload")) throw Errors.FORBIDDEN({ detail: "Your credentials may not upload (read-only key?)" });
    return ctx.principal.id;
  }

  /**
   * Decides, before any byte is read, whether the caller may upload and, when
   * the request names it up front, attach the file to `resourceId` (404 if
   * they cannot see it, else 403 if they may not change it).
   */
  async admit(ctx: ServiceContext, resourceId?: number): Promise<Admission> {
    const uploaderId = this.assertMayUpload(ctx);
    if (resourceId !== undefined) await this.assertMayChange(ctx, resourceId);
    return { uploaderId, resourceId };
  }

  /** A file may only be attached to a resource the caller may change (404 if they cannot even see it). */
  async assertMayChange(ctx: ServiceContext, resourceId: number): Promise<void> {
    await authorize(ctx, "Resource", { id: resourceId }, "change", (where) => ctx.db.resource.findFirst({ where, select: { id: true } }), {
      notFound: { detail: `Resource ${resourceId} not found`, source: { pointer: "/resource_id" } },
      forbidden: `You may not add files to resource ${resourceId}`,
    });
  }

  /**
   * Streams the bytes to a temporary key. Enforces the size limit (before
   * reading when the size is announced, else by cutting the stream), the
   * per-user parallelism limit and the client's checksums.
   */
  async store(ctx: ServiceContext, request: StoreRequest): Promise<StagedBytes> {
    const userId = request.admission?.uploaderId ?? this.assertMayUpload(ctx);
    const type = this.resolveType(request.filename, request.type);
    const maxBytes = this.maxSize(type);
    if (request.declaredSize !== undefined && request.declaredSize > maxBytes) {
      request.body.resume(); // drain what the client already sent so the 413 reaches it
      throw tooLarge(maxBytes, request.declaredSize);
    }
    const running = this.#inFlight.get(userId) ?? 0;
    if (running >= this.options.limits.maxParallelUploads) {
      request.body.resume();
      throw Errors.TOO_MANY_REQUESTS({
        detail: `At most ${this.options.limits.maxParallelUploads} uploads may run at once per user; wait for one to finish`,
        headers: { "Retry-After": "5" },
      });
    }
    this.#inFlight.set(userId, running + 1);
    try {
      const staged = await this.options.objects.stage(request.body, { expect: request.expected, signal: request.signal, maxBytes, contentType: request.declaredMimeType, file: request.file });
      if (staged.size === 0) {
        await this.options.objects.discard(staged);
        throw Errors.EMPTY_FILE({ detail: "The file is empty (0 bytes)" });
      }
      return staged;
    } catch (error) {
      if (error instanceof ChecksumMismatchError) {
        throw Errors.CHECKSUM_MISMATCH({ detail: `The ${error.algorithm} of the received bytes is ${error.actual}, not the ${error.expected} the client sent; nothing was stored`, cause: error });
      }
      if (request.signal?.aborted || (error instanceof Error && (error.name === "AbortError" || (error as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE"))) {
        throw Errors.UPLOAD_INTERRUPTED({ detail: "The connection closed before the whole file arrived; nothing was stored", cause: error });
      }
      throw error;
    } finally {
      const left = (this.#inFlight.get(userId) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(userId, left);
      else this.#inFlight.delete(userId);
    }
  }

  /** Whether a file in `directory` can be staged without a copy (see `ObjectStore.linksFrom`). */
  linksFrom(directory: string): Promise<boolean> {
    return this.options.objects.linksFrom(directory);
  }

  /** Drops staged bytes that will not become an upload. */
  async discard(staged: StagedBytes): Promise<void> {
    await this.options.objects.discard(staged);
  }

  /**
   * Makes staged bytes an upload in state `received` with a queued job: the
   * bytes move to their content address, the rows are written in one
   * transaction, then the job is queued (if queueing fails, the sweeper does it).
   */
  async register(ctx: ServiceContext, staged: StagedBytes, request: RegisterRequest): Promise<IngestResult> {
    const uploaderId = request.admission?.uploaderId ?? this.assertMayUpload(ctx);
    const type = this.resolveType(request.filename, request.type);
    if (request.resourceId !== undefined && request.resourceId !== request.admission?.resourceId) await this.assertMayChange(ctx, request.resourceId);
    const storageKey = await this.options.objects.adopt(staged);
    const fields = {
      type: type?.key ?? null,
      filename: request.filename,
      mime_type: request.declaredMimeType ?? null,
      size: BigInt(staged.size),
      md5: staged.md5,
      sha256: staged.sha256,
      storage_key: storageKey,
      resource_id: request.resourceId ?? null,
      metadata: {
        ...request.metadata,
        ...(request.originalFilename && request.originalFilename !== request.filename ? { original_filename: request.originalFilename } : {}),
      } as Prisma.InputJsonObject,
      expires_at: null,
    };
    let result: IngestResult;
    try {
      result = await receiveUpload(this.options.db, fields, request.uploadId === undefined ? { uploaderId } : { uploadId: request.uploadId, claim: request.claim });
    } catch (error) {
      await this.options.objects.release(staged.sha256).catch((e: unknown) => this.options.log.error({ err: e }, "could not release stored bytes"));
      throw error;
    }
    await this.options.queue.enqueue(result.job.id).catch((error: unknown) => this.options.log.warn({ err: error, jobId: result.job.id }, "enqueue failed; the sweeper will queue the job"));
    return result;
  }
}

function tooLarge(maxBytes: number, size: number) {
  return Errors.PAYLOAD_TOO_LARGE({ detail: `The file is ${size} bytes; the limit is ${maxBytes} bytes`, meta: { max_size: maxBytes } });
}
