import { PassThrough } from "node:stream";
import { Router, type Request, type RequestHandler, type Response } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import { Errors } from "../errors/index.js";
import { uploadRequestPath, type UploadRequestService } from "../uploads/upload-request-service.js";
import { expectedChecksums } from "../uploads/protocols/checksum-headers.js";
import { parseJsonApiBody } from "./jsonapi.js";
import { requestLogger } from "./logging.js";
import { baseUrl, serviceContext } from "./request-context.js";
import { sendJson } from "./send-json.js";
import type { UrlSigner } from "../uploads/protocols/signed-url.js";

/** What {@link uploadRequestRoutes} needs from the asset router. */
export interface UploadRequestRouteOptions {
  service: UploadRequestService;
  signer: UrlSigner;
  /** The router's authentication (sets the service context); the signed PUT does without it. */
  authenticate: RequestHandler;
  /** The router's JSON body reader. */
  body: RequestHandler[];
  log: Logger;
}

const REQUEST_ATTRIBUTES = z.strictObject({ filename: z.string().max(1024).optional() });

const CREATE_ATTRIBUTES = z.strictObject({
  path: z.string().min(1).max(2048),
  author: z.string().max(1000).nullish(),
  copyright: z.string().max(1000).nullish(),
  notes: z.string().max(10_000).nullish(),
  tags: z.array(z.string().max(200)).max(100).nullish(),
  default_field_metadata: z.record(z.string(), z.record(z.string(), z.unknown())).nullish(),
});

/**
 * DatoCMS's upload requests, mounted at `/upload-requests`:
 * - `POST /` (authenticated) creates a `requested` upload and answers 200 with
 *   `{ data: { type: "upload_request", id: "/<uuid>/<filename>", attributes: { url, request_headers } } }`;
 * - `PUT /:uuid?expires=&signature=` (the signed `url`, no credentials) takes
 *   the raw bytes and answers 200 with an empty body and the md5 as ETag, as S3
 *   does. A bad signature is 403 INVALID_SIGNATURE, an expired URL 410 LINK_EXPIRED,
 *   a second PUT 409; a failed PUT keeps nothing and the URL may be retried.
 *   Browsers may use it from any origin (CORS preflight at `OPTIONS /:uuid`).
 */
export function uploadRequestRoutes(options: UploadRequestRouteOptions): Router {
  const { service, signer } = options;
  const router = Router();

  router.post("/", options.authenticate, ...options.body, async (req, res) => {
    const { filename } = parseJsonApiBody(req.body, REQUEST_ATTRIBUTES, "upload_request");
    const upload = await service.create(serviceContext(req), filename);
    const url = signedPutUrl(req, signer, upload);
    sendJson(req, res, 200, { data: { type: "upload_request", id: uploadRequestPath(upload), attributes: { url, request_headers: {} } } });
  });

  // Browsers PUT the bytes straight from the page, as they do to S3's presigned URLs. The signed URL is the
  // credential (no cookies), so any origin may use it, and may read the answer, errors included.
  router.options("/:uuid", (req, res) => {
    allowAnyOrigin(res);
    res.setHeader("Access-Control-Allow-Methods", "PUT");
    const requested = req.get("access-control-request-headers");
    if (requested) res.setHeader("Access-Control-Allow-Headers", requested);
    res.setHeader("Access-Control-Max-Age", "3600");
    res.status(204).end();
  });

  router.put("/:uuid", async (req, res) => {
    allowAnyOrigin(res);
    const abort = new AbortController();
    const onClose = () => {
      if (!req.complete) abort.abort(Errors.UPLOAD_INTERRUPTED());
    };
    req.once("close", onClose);
    // The pipeline destroys what it reads on failure; reading through a PassThrough keeps the socket for the answer.
    const body = new PassThrough();
    try {
      signer.verify("PUT", req.params.uuid, req.query.expires, req.query.signature);
      const expected = expectedChecksums(req);
      req.pipe(body);
      const staged = await service.receive(req.params.uuid, { body, declaredSize: contentLength(req), declaredMimeType: mediaType(req), expected, signal: abort.signal, log: requestLogger(req, options.log) });
      res.setHeader("ETag", `"${staged.md5}"`);
      res.status(200).end();
    } catch (error) {
      req.unpipe(body);
      // The rest of the body is not wanted: close the connection after answering.
      if (!req.complete) res.setHeader("Connection", "close");
      throw error;
    } finally {
      req.off("close", onClose);
    }
  });

  return router;
}

/** The signed URL that takes the bytes of an upload request: `PUT /upload-requests/:uuid?expires=&signature=` of this router. */
export function signedPutUrl(req: Request, signer: UrlSigner, upload: { uuid: string; expires_at: Date }): string {
  const { expires, signature } = signer.sign("PUT", upload.uuid, upload.expires_at);
  return `${baseUrl(req)}/upload-requests/${upload.uuid}?expires=${expires}&signature=${signature}`;
}

/** CORS for the signed PUT: any origin, and the ETag (the md5) readable by the page. */
function allowAnyOrigin(res: Response): void {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Expose-Headers", "ETag");
}

/**
 * DatoCMS's create-from-path `POST /uploads` with a JSON body, mounted on
 * `/uploads` after the multipart route: completes the caller's upload request
 * named by `path` and answers 202 `{ data: { type: "job", id } }`; the result
 * follows at `/job-results/:id`.
 */
export function uploadFromRequestRoutes(service: UploadRequestService): Router {
  const router = Router();
  router.post("/", async (req, res) => {
    const { path, ...attributes } = parseJsonApiBody(req.body, CREATE_ATTRIBUTES, "upload");
    const { job } = await service.complete(serviceContext(req), path, withoutNulls(attributes));
    res.setHeader("Location", `${baseUrl(req)}/jobs/${job.id}`);
    sendJson(req, res, 202, { data: { type: "job", id: job.id } });
  });
  return router;
}

/** DatoCMS sends `null` for attributes it leaves unset; keep only the ones with a value. */
function withoutNulls<T extends object>(attributes: T): { [K in keyof T]?: NonNullable<T[K]> } {
  return Object.fromEntries(Object.entries(attributes).filter(([, value]) => value !== null && value !== undefined)) as { [K in keyof T]?: NonNullable<T[K]> };
}

function contentLength(req: Request): number | undefined {
  const value = req.get("content-length");
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/** The declared media type without parameters; the uninformative octet-stream counts as none. */
function mediaType(req: Request): string | undefined {
  const type = req.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  return type && type !== "application/octet-stream" ? type : undefined;
}
