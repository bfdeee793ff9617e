import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Router, type Request, type RequestHandler, type Response } from "express";
import { MemoryLocker, Server, TUS_RESUMABLE } from "@tus/server";
import type { Logger } from "pino";
import { AppError, Errors } from "../../errors/index.js";
import type { Upload } from "../../generated/prisma/client.js";
import type { Pipeline } from "../create-pipeline.js";
import { UUID_TEXT, normalizeUuid } from "../../query/parse-value.js";
import type { ServiceContext } from "../../services/service-context.js";
import { ChecksummedFileStore, TUS_CHECKSUM_ALGORITHMS, parseUploadChecksum, type ChunkChecksum, type WriteObserver } from "./checksummed-file-store.js";
import { parseTusCreation, type TusCreation } from "./tus-metadata.js";
import { TusUploadService, type TusFinished } from "./tus-upload-service.js";
import { errorAnswer, withErrorProfile, type ErrorProfile } from "../../http/error-handler.js";
import { route } from "../../http/route.js";
import { tusDeclarations } from "./tus-openapi.js";
import { baseUrl, serviceContext } from "../../http/request-context.js";
import { sendWebResponse, toWebRequest } from "./web-request.js";

/** Options of {@link tusRoutes}. */
export interface TusRoutesOptions {
  pipeline: Pipeline;
  /**
   * Where partial uploads live (the tus `FileStore`: the bytes and a JSON
   * info file per upload). Default: a temporary directory removed when the
   * process exits, so unfinished uploads do not survive a restart. Processes
   * serving the same uploads must share it, and the requests for one upload
   * must reach one process at a time (the tus lock is in memory).
   */
  directory?: string;
  /** How long an unfinished upload keeps its bytes and its row (default: the pipeline's `requestTtlMs`). */
  expirationMs?: number;
  /** How often expired partial uploads are deleted (default: a tenth of `expirationMs`, between 250 ms and 5 min). */
  cleanupIntervalMs?: number;
  /** Aborting it stops the periodic cleanup. */
  signal?: AbortSignal;
  log: Logger;
}

/** What the tus hooks of one request need, carried through `@tus/server` by AsyncLocalStorage. */
interface TusCall {
  ctx: ServiceContext;
  req: Request;
  res: Response;
  /** Absolute URL of the tus endpoint, as the client reached it (Express' `trust proxy` applies). */
  tusBase: string;
  /** Absolute URL of the asset API. */
  apiBase: string;
  /** The caller's upload that a HEAD, PATCH or DELETE names; set on creation. */
  row?: Upload;
  creation?: TusCreation;
  checksum?: ChunkChecksum;
  /** The request body's announced length, if any. */
  contentLength?: number;
}

const UPLOAD_PATH = new RegExp(`^/(${UUID_TEXT})/?$`, "i");

/**
 * Resumable uploads, tus 1.0 (`@tus/server` over `@tus/file-store`): creation
 * (also with upload and deferred length), HEAD, PATCH, termination,
 * expiration, and the checksum extension. Mount it behind authentication and
 * before any body parser. Each tus upload is an Upload whose `uuid` is the tus
 * id: `requested` from creation, `received` (with a queued job) once the last
 * byte arrives, `rejected` when terminated ("Cancelled: ..."), expired or
 * refused. Only its uploader can see it; anyone else gets a 404.
 *
 * `Upload-Metadata` keys: `filename` (or `name`), `type` (an asset type key;
 * a value with "/" counts as the MIME type, as Uppy sends it), `filetype`,
 * `md5` / `sha256` (whole-file digests, hex or base64, verified at the end),
 * `author`, `copyright`, `notes`, `tags` (comma-separated), `default_field_metadata` (JSON).
 * The size limit is the upload type's, checked against `Upload-Length` (413).
 *
 * The response that completes an upload (the last PATCH, or a HEAD after it)
 * carries `Link: <.../uploads/42>; rel="upload", <.../jobs/<id>>; rel="job"`;
 * `GET /uploads/<tus id>` works too.
 */
export function tusRoutes(options: TusRoutesOptions): RequestHandler {
  const { pipeline } = options;
  const ingest = pipeline.ingest;
  const calls = new AsyncLocalStorage<TusCall>();
  // With its own directory the server starts at once (its cleanup covers uploads left from before a
  // restart); with the default one only on the first tus request, so routers that never see one create nothing.
  let engine: TusEngine | undefined;
  const start = () => (engine ??= createTusEngine(options, calls));
  if (options.directory) start();

  /**
   * Checks what tus cannot know before handing over: who may upload, whose
   * upload an id is, and answers for uploads that are finished or gone.
   * Returns true when it answered.
   */
  async function prepare(req: Request, res: Response, call: TusCall, uploads: TusUploadService): Promise<boolean> {
    if (req.method === "OPTIONS") {
      res.setHeader("Tus-Checksum-Algorithm", TUS_CHECKSUM_ALGORITHMS.join(","));
      return false;
    }
    if (req.method === "POST") {
      if (req.path !== "/") throw Errors.METHOD_NOT_ALLOWED({ detail: "Create resumable uploads with POST to the tus endpoint itself" });
      ingest.assertMayUpload(call.ctx);
    } else if (req.method === "HEAD" || req.method === "PATCH" || req.method === "DELETE") {
      const match = UPLOAD_PATH.exec(req.path)?.[1];
      const id = match === undefined ? null : normalizeUuid(match);
      if (!id) throw Errors.NOT_FOUND({ detail: `No resumable upload at ${req.originalUrl}` });
      const row = (call.row = await uploads.find(call.ctx, id));
      if (row.state === "rejected") throw Errors.UPLOAD_GONE({ detail: `Upload ${row.id} takes no more bytes: ${row.state_detail}` });
      if (row.state !== "requested" && req.method !== "HEAD") {
        throw Errors.CONFLICT({ detail: `Upload ${row.id} is complete (${row.state}); GET /uploads/${row.id} shows it` });
      }
      // A finished upload, or one whose bytes are all in but whose finishing failed for a passing reason.
      if (req.method === "HEAD" && (row.state !== "requested" || (await uploads.bytesComplete(id)))) {
        const finished = await uploads.finish(call.ctx, id);
        if (finished) {
          const size = String(finished.upload.size ?? 0);
          res.status(200).set({ "Tus-Resumable": TUS_RESUMABLE, "Cache-Control": "no-store", "Upload-Offset": size, "Upload-Length": size, Link: links(call, finished) }).end();
          return true;
        }
      }
    }
    call.checksum = parseUploadChecksum(req.get("upload-checksum"));
    const length = req.get("content-length");
    call.contentLength = length !== undefined && /^\d{1,15}$/.test(length) ? Number(length) : undefined;
    return false;
  }

  const serve = async (req: Request, res: Response): Promise<void> => {
    const call: TusCall = { ctx: serviceContext(req), req, res, tusBase: `${req.protocol}://${req.get("host")}${req.baseUrl}`, apiBase: baseUrl(req) };
    try {
      const { tus, uploads } = start();
      if (await prepare(req, res, call, uploads)) return;
      // tus' Web API entry with our own Node adapter: it hands the body over in 1 MiB chunks (see toWebRequest).
      const response = await calls.run(call, () => tus.handleWeb(toWebRequest(req, req.url)));
      // A body tus did not read (an early answer) is not wanted: close rather than read it.
      if (!req.complete) res.setHeader("Connection", "close");
      await sendWebResponse(res, response);
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      // The body of a refused PATCH or POST is not wanted: close rather than read it.
      if (!req.complete) res.setHeader("Connection", "close");
      throw error;
    }
  };

  // The operations of tus 1.0 are declared (so documented) with the one handler; any other method or
  // path still reaches @tus/server, which answers it as it always has.
  const router = Router();
  for (const declaration of tusDeclarations) route(router, { ...declaration, handler: serve });
  router.use(serve);
  return withErrorProfile(TUS_ERRORS, router);
}

/** The tus server of one router and the service behind its hooks. */
interface TusEngine {
  tus: Server;
  uploads: TusUploadService;
}

function createTusEngine(options: TusRoutesOptions, calls: AsyncLocalStorage<TusCall>): TusEngine {
  const { pipeline, log } = options;
  const ingest = pipeline.ingest;
  const expirationMs = options.expirationMs ?? pipeline.limits.requestTtlMs;
  const directory = options.directory ?? temporaryDirectory();
  if (!options.directory) log.warn({ directory }, "tus uploads go to a temporary directory; pass tusDirectory so unfinished uploads survive a restart");
  mkdirSync(directory, { recursive: true });
  const current = (): TusCall => {
    const call = calls.getStore();
    if (!call) throw Errors.INTERNAL({ detail: "A tus hook ran outside a request" });
    return call;
  };
  const store: ChecksummedFileStore = new ChecksummedFileStore({
    directory,
    expirationPeriodInMilliseconds: expirationMs,
    checksumOf: () => calls.getStore()?.checksum,
    observe: async (id, offset): Promise<WriteObserver | undefined> => {
      const call = calls.getStore();
      return call?.row ? uploads.observeWrite(call.ctx, call.row, id, offset, call.contentLength) : undefined;
    },
  });
  const locker = new MemoryLocker();
  const uploads: TusUploadService = new TusUploadService({ db: pipeline.db.prisma, ingest, store, locker, expirationMs, log });

  const tus = new Server({
    path: "/uploads/tus",
    datastore: store,
    locker,
    // CORS stays the host application's decision, as for the rest of the router.
    allowedOrigins: [],
    allowedHeaders: ["Upload-Checksum", "X-Api-Key"],
    exposedHeaders: ["Link", "Tus-Checksum-Algorithm", "X-Request-Id"],
    maxSize: (_req, id) => {
      const call = calls.getStore();
      if (id === null || !call) return pipeline.limits.maxUploadSize;
      if (call.row) return uploads.maxSize(call.row);
      if (call.creation) return ingest.maxSize(ingest.resolveType(call.creation.filename, call.creation.type));
      return pipeline.limits.maxUploadSize;
    },
    generateUrl: (_req, { id }) => `${current().tusBase}/${id}`,
    namingFunction: (_req, metadata) => {
      const call = current();
      call.creation = parseTusCreation(metadata);
      ingest.resolveType(call.creation.filename, call.creation.type); // an unknown type is a 400 before anything is created
      return randomUUID();
    },
    onUploadCreate: async (_req, upload) => {
      const call = current();
      if (!call.creation) throw Errors.INTERNAL({ detail: "tus creation without metadata" });
      call.row = await uploads.create(call.ctx, upload.id, call.creation, upload.size);
      return {};
    },
    onIncomingRequest: async (req) => {
      const row = current().row;
      if (req.method === "DELETE" && row) await uploads.terminate(row);
    },
    onUploadFinish: async (_req, upload) => {
      const call = current();
      const finished = await uploads.finish(call.ctx, upload.id);
      return finished ? { headers: { Link: links(call, finished) } } : {};
    },
    // Errors raised in the hooks, answered by tus itself; tus' own protocol errors keep its answers.
    onResponseError: (_req, error) => {
      const call = calls.getStore();
      if (!(error instanceof AppError) && typeof (error as { status_code?: unknown }).status_code === "number") return undefined;
      if (!call) return { status_code: 500, body: "An unexpected error occurred\n" };
      const answer = errorAnswer(error, call.req, TUS_ERRORS);
      if (answer.unexpected) call.ctx.log.error({ err: error }, "tus request failed");
      for (const [name, value] of Object.entries(answer.error.headers ?? {})) call.res.setHeader(name, value);
      return { status_code: answer.status, body: answer.body };
    },
  });

  startCleanup(tus, { expirationMs, intervalMs: options.cleanupIntervalMs, signal: options.signal, log });
  return { tus, uploads };
}

/** Where the client finds the Upload and its job. */
function links(call: TusCall, finished: TusFinished): string {
  const parts = [`<${call.apiBase}/uploads/${finished.upload.id}>; rel="upload"`];
  if (finished.job) parts.push(`<${call.apiBase}/jobs/${finished.job.id}>; rel="job"`);
  return parts.join(", ");
}

/** The tus protocol's error answers: the status, `Tus-Resumable` and the detail as a line of text. */
export const TUS_ERRORS: ErrorProfile = {
  render: (error) => ({ status: error.status, body: `${error.detail}\n`, contentType: "text/plain" }),
  headers: () => ({ "Tus-Resumable": TUS_RESUMABLE }),
};

/** Deletes expired partial uploads periodically (the sweeper rejects their rows). */
function startCleanup(tus: Server, options: { expirationMs: number; intervalMs?: number; signal?: AbortSignal; log: Logger }): void {
  const { signal, log } = options;
  if (signal?.aborted) return;
  const every = options.intervalMs ?? Math.min(Math.max(options.expirationMs / 10, 250), 5 * 60_000);
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    tus
      .cleanUpExpiredUploads()
      .then((count) => count && log.info({ count }, "deleted expired tus uploads"))
      .catch((error: unknown) => log.warn({ err: error }, "tus cleanup failed"))
      .finally(() => (running = false));
  }, every);
  timer.unref();
  signal?.addEventListener("abort", () => clearInterval(timer), { once: true });
}

let processDirectory: string | undefined;

/** A directory of its own per router, under one per process that is removed when the process exits. */
function temporaryDirectory(): string {
  if (!processDirectory) {
    const dir = (processDirectory = mkdtempSync(join(tmpdir(), "assets-tus-")));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return mkdtempSync(join(processDirectory, "router-"));
}
