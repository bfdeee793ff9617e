import { PassThrough } from "node:stream";
import { Router, type Request, type Response } from "express";
import type { Logger } from "pino";
import { z } from "zod";
import { Errors } from "../../errors/index.js";
import { JSONAPI_ERRORS, jsonApiErrors } from "../../http/jsonapi-schemas.js";
import { route } from "../../http/route.js";
import type { UploadRequestService } from "../upload-request-service.js";
import { expectedChecksums } from "./checksum-headers.js";
import type { UrlSigner } from "./signed-url.js";
import { requestLogger } from "../../http/logging.js";
import { baseUrl } from "../../http/request-context.js";

/** Where the asset router mounts {@link signedPutRoutes}. */
export const SIGNED_UPLOADS_PATH = "/signed-uploads";

/** What {@link signedPutRoutes} needs from the asset router. */
export interface SignedPutRouteOptions {
  service: UploadRequestService;
  signer: UrlSigner;
  log: Logger;
}

/**
 * The signed PUT of an upload request (made by a profile through `PluginHost.signedUploads`,
 * e.g. DatoCMS's `POST /datocms/upload-requests`), mounted at `/signed-uploads`:
 * `PUT /:uuid?expires=&signature=` needs no credentials (the signature is one), takes the raw
 * bytes and answers 200 with an empty body and the md5 as ETag, as S3 does. A bad signature is
 * 403 INVALID_SIGNATURE, an expired URL 410 LINK_EXPIRED, a second PUT 409; a failed PUT keeps
 * nothing and the URL may be retried. Browsers may use it from any origin (CORS preflight at
 * `OPTIONS /:uuid`). Mount it before any body parser.
 */
export function signedPutRoutes(options: SignedPutRouteOptions): Router {
  const { service, signer } = options;
  const router = Router();

  // Browsers PUT the bytes straight from the page, as they do to S3's presigned URLs. The signed URL is the
  // credential (no cookies), so any origin may use it, and may read the answer, errors included.
  route(router, {
    method: "options",
    path: "/:uuid",
    summary: "CORS preflight of the signed PUT (any origin)",
    tags: ["uploads"],
    responses: { 204: { description: "The PUT is allowed from any origin", headers: { "Access-Control-Allow-Origin": "Always *", "Access-Control-Allow-Methods": "PUT" } } },
    handler: (req, res) => {
      allowAnyOrigin(res);
      res.setHeader("Access-Control-Allow-Methods", "PUT");
      const requested = req.get("access-control-request-headers");
      if (requested) res.setHeader("Access-Control-Allow-Headers", requested);
      res.setHeader("Access-Control-Max-Age", "3600");
      res.status(204).end();
    },
  });

  route(router, {
    method: "put",
    path: "/:uuid",
    summary: "The bytes of an upload request, to its signed URL",
    description: "No credentials: the signature is one. Answers 200 with the md5 as ETag, as S3 does; a failed PUT keeps nothing and may be retried.",
    tags: ["uploads"],
    parameters: [
      { name: "expires", in: "query", required: true, description: "Expiry (unix seconds), as signed" },
      { name: "signature", in: "query", required: true, description: "HMAC of method, uuid and expiry" },
      { name: "Content-MD5", in: "header", description: "Checked against the bytes received" },
    ],
    requestBody: { schema: z.string().meta({ contentMediaType: "application/octet-stream" }), contentTypes: ["application/octet-stream"] },
    responses: {
      200: { description: "Stored", headers: { ETag: "The md5 of the bytes" } },
      ...jsonApiErrors(400, 403, 409, 413),
      410: { description: "The URL has expired", schema: JSONAPI_ERRORS },
    },
    handler: async (req, res) => {
      allowAnyOrigin(res);
      const abort = new AbortController();
      const onClose = () => {
        if (!req.complete) abort.abort(Errors.UPLOAD_INTERRUPTED());
      };
      req.once("close", onClose);
      // The pipeline destroys what it reads on failure; reading through a PassThrough keeps the socket for the answer.
      const body = new PassThrough();
      try {
        signer.verify("PUT", String(req.params.uuid), req.query.expires, req.query.signature);
        const expected = expectedChecksums(req);
        req.pipe(body);
        const staged = await service.receive(String(req.params.uuid), { body, declaredSize: contentLength(req), declaredMimeType: mediaType(req), expected, signal: abort.signal, log: requestLogger(req, options.log) });
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
    },
  });

  return router;
}

/** The signed URL that takes the bytes of an upload request: `PUT /signed-uploads/:uuid?expires=&signature=` under the asset router. */
export function signedPutUrl(req: Request, signer: UrlSigner, upload: { uuid: string; expires_at: Date }): string {
  const { expires, signature } = signer.sign("PUT", upload.uuid, upload.expires_at);
  return `${baseUrl(req)}${SIGNED_UPLOADS_PATH}/${upload.uuid}?expires=${expires}&signature=${signature}`;
}

/** CORS for the signed PUT: any origin, and the ETag (the md5) readable by the page. */
function allowAnyOrigin(res: Response): void {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Expose-Headers", "ETag");
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
