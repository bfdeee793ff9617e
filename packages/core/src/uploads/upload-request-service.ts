import type { Readable } from "node:stream";
import type { Logger } from "pino";
import { defineAbilityFor } from "../access/ability.js";
import { loadPrincipal } from "../auth/authenticate.js";
import type { Db } from "../db/open-database.js";
import { Errors } from "../errors/index.js";
import type { Upload } from "../generated/prisma/client.js";
import { sanitizeFilename } from "./filenames.js";
import type { IngestService } from "./ingest-service.js";
import type { IngestResult } from "./ingest-types.js";
import type { StagedBytes } from "./object-store.js";
import { createRequestedUpload, releaseRequest, reserveRequest } from "./upload-states.js";
import { UUID_TEXT, normalizeUuid } from "../query/parse-value.js";
import type { ServiceContext } from "../services/service-context.js";

/** Dependencies of {@link UploadRequestService}. */
export interface UploadRequestServiceOptions {
  db: Db;
  ingest: IngestService;
  /** How long a request waits for its bytes and its completion (the pipeline's `requestTtlMs`). */
  ttlMs: number;
}

/** The bytes of one signed PUT, as the HTTP layer hands them over. */
export interface UploadRequestBytes {
  body: Readable;
  declaredSize?: number;
  declaredMimeType?: string;
  expected?: { md5?: string; sha256?: string };
  signal?: AbortSignal;
  log: Logger;
}

/** Attributes kept on the upload when it is created from a request (DatoCMS's names). */
export interface UploadRequestMetadata {
  author?: string;
  copyright?: string;
  notes?: string;
  tags?: string[];
  default_field_metadata?: Record<string, unknown>;
}

/** What a completed request becomes: an upload of `type` (default: chosen by filename), attached to `resourceId` (replacing its file). */
export interface UploadRequestTarget {
  type?: string;
  resourceId?: number;
}


/** The uuid at the start of a request's path (`/<uuid>/<filename>`). */
const REQUEST_PATH = new RegExp(`^/?(${UUID_TEXT})(?:/|$)`, "i");

/** The public id of an upload request, shaped like DatoCMS's S3 path: `/<uuid>/<filename>`. */
export function uploadRequestPath(upload: Pick<Upload, "uuid" | "filename">): string {
  return `/${upload.uuid}/${upload.filename}`;
}

/**
 * DatoCMS's three-step upload: an upload request (an Upload in state
 * `requested` with an expiry), the bytes PUT to its signed URL (staged and
 * attached to the still-`requested` row), then its completion, which hands
 * the staged bytes to the pipeline (`requested -> received` and a job).
 * Every step is a guarded UPDATE, so concurrent or repeated calls get a 409
 * and never a second copy of the bytes.
 */
export class UploadRequestService {
  constructor(private readonly options: UploadRequestServiceOptions) {}

  /** Step 1: records the request; its expiry is whole seconds, as the signed URL carries it. */
  async create(ctx: ServiceContext, filename: string | undefined): Promise<Upload & { expires_at: Date }> {
    const uploaderId = this.options.ingest.assertMayUpload(ctx);
    const safe = sanitizeFilename(filename ?? "");
    const expiresAt = new Date(Math.floor((Date.now() + this.options.ttlMs) / 1000) * 1000);
    const upload = await createRequestedUpload(ctx.db, { filename: safe, uploader_id: uploaderId, expires_at: expiresAt, metadata: filename && filename !== safe ? { original_filename: filename } : {} });
    return { ...upload, expires_at: expiresAt };
  }

  /**
   * Step 2: streams the bytes of a signed PUT (whose signature the caller
   * checked) for the request's uploader, and attaches them to the request.
   * On any failure nothing is kept and the request still takes a PUT.
   */
  async receive(uuid: string, bytes: UploadRequestBytes): Promise<StagedBytes> {
    const { db, ingest } = this.options;
    const id = normalizeUuid(uuid);
    const row = id ? await db.upload.findUnique({ where: { uuid: id } }) : null;
    const upload = awaitingBytes(row);
    const staged = await ingest.store(await this.uploaderContext(upload, bytes.log), {
      body: bytes.body,
      filename: upload.filename,
      declaredSize: bytes.declaredSize,
      declaredMimeType: bytes.declaredMimeType,
      expected: bytes.expected,
      signal: bytes.signal,
    });
    try {
      const { count } = await db.upload.updateMany({
        where: { id: upload.id, state: "requested", storage_key: null, expires_at: { gt: new Date() } },
        data: { storage_key: staged.tmpKey, md5: staged.md5, sha256: staged.sha256, size: BigInt(staged.size), mime_type: bytes.declaredMimeType ?? null },
      });
      if (count === 0) {
        // Another PUT finished first, the request expired meanwhile, or it was deleted: say which.
        awaitingBytes(await db.upload.findUnique({ where: { id: upload.id } }));
        throw Errors.CONFLICT({ detail: "The upload request changed while the bytes arrived; try again" });
      }
    } catch (error) {
      await ingest.discard(staged).catch((e: unknown) => bytes.log.error({ err: e, key: staged.tmpKey }, "could not discard staged bytes"));
      throw error;
    }
    return staged;
  }

  /**
   * Step 3: turns the caller's request whose bytes arrived into an upload
   * (`received`) with a queued job. `path` is the request's id.
   */
  async complete(ctx: ServiceContext, path: string, metadata: UploadRequestMetadata | Readonly<Record<string, unknown>>, target: UploadRequestTarget = {}): Promise<IngestResult> {
    const userId = this.options.ingest.assertMayUpload(ctx);
    const match = REQUEST_PATH.exec(path)?.[1];
    const uuid = match === undefined ? null : normalizeUuid(match);
    // Another user's request is as unknown as a made-up path.
    const row = uuid ? await ctx.db.upload.findFirst({ where: { uuid, uploader_id: userId } }) : null;
    if (!row) throw Errors.NOT_FOUND({ detail: `You have no upload request '${path}'`, source: { pointer: "/data/attributes/path" } });
    const upload = requestedRow(row);
    if (!upload.storage_key || !upload.md5 || !upload.sha256 || upload.size === null) {
      throw Errors.CONFLICT({ detail: "No bytes have arrived for this upload request yet: PUT the file to its URL first", source: { pointer: "/data/attributes/path" } });
    }
    // Reserve the request so a concurrent completion gets a clean 409 instead of racing for the bytes.
    const token = await reserveRequest(ctx.db, upload.id, upload.storage_key);
    if (token === null) throw Errors.CONFLICT({ detail: "This upload request is being completed by another request" });
    const staged: StagedBytes = { tmpKey: upload.storage_key, md5: upload.md5, sha256: upload.sha256, size: Number(upload.size) };
    const originalFilename = (upload.metadata as Record<string, unknown> | null)?.original_filename;
    try {
      // Moving to `received` releases the reservation in the same statement.
      return await this.options.ingest.register(ctx, staged, {
        uploadId: upload.id,
        claim: token,
        filename: upload.filename,
        originalFilename: typeof originalFilename === "string" ? originalFilename : undefined,
        declaredMimeType: upload.mime_type ?? undefined,
        metadata: { ...metadata },
        type: target.type,
        resourceId: target.resourceId,
      });
    } catch (error) {
      // The bytes may be gone (adopted, then released): have the request take a new PUT rather than point at nothing.
      await releaseRequest(ctx.db, upload.id, token, { storage_key: null, md5: null, sha256: null, size: null }).catch((e: unknown) => ctx.log.error({ err: e, uploadId: upload.id }, "could not reset an upload request after a failed completion"));
      await this.options.ingest.discard(staged).catch(() => undefined);
      throw error;
    }
  }

  /** The uploader's own context: the signature stands in for their credentials. */
  private async uploaderContext(upload: Upload, log: Logger): Promise<ServiceContext> {
    const principal = upload.uploader_id === null ? null : await loadPrincipal(this.options.db, { id: upload.uploader_id });
    if (!principal) throw Errors.FORBIDDEN({ detail: "The user who requested this upload no longer exists" });
    return { db: this.options.db, principal, ability: defineAbilityFor(principal), log };
  }
}

/**
 * The request, if it may still be completed: 404 when gone, 410 when expired
 * (requested or already swept; completion clears `expires_at`), 409 when completed.
 */
function requestedRow(row: Upload | null): Upload {
  if (!row) throw Errors.NOT_FOUND({ detail: "This upload request no longer exists" });
  if (row.expires_at !== null && row.expires_at.getTime() <= Date.now()) {
    throw Errors.LINK_EXPIRED({ detail: `The upload request expired at ${row.expires_at.toISOString()}; create a new one` });
  }
  if (row.state !== "requested") throw Errors.CONFLICT({ detail: `The upload request was already completed (upload ${row.id} is ${row.state})` });
  return row;
}

/** The request, if it still takes bytes: as {@link requestedRow}, and 409 once bytes are attached. */
function awaitingBytes(row: Upload | null): Upload {
  const upload = requestedRow(row);
  if (upload.storage_key) throw Errors.CONFLICT({ detail: "The bytes of this upload request have already arrived; a URL takes one PUT" });
  return upload;
}
