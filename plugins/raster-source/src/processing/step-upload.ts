/**
 * `POST /rastersources/{uuid}/data/`: a multipart body with `file` and, for temporal sources,
 * `timestamp`. The file part streams straight into the pipeline's ingest; nothing is buffered.
 */
import { Busboy, type BusboyInstance } from "@fastify/busboy";
import type { Request } from "express";
import { Errors, type IngestResult, type ServiceContext, type UploadIngest, declaredMimeType, mimeTypeProblem, sanitizeFilename } from "@assets/core";
import { RASTER_SOURCE_TYPE } from "../model/raster-source-type.js";
import { fieldError } from "./field-error.js";
import type { SourceRef } from "./source-access.js";
import { parseIsoTimestamp } from "./timestamps.js";

/** Multipart framing allowed on top of the file before Content-Length counts against the size limit. */
const FORM_OVERHEAD = 64 * 1024;

/**
 * The step's timestamp as stored in `upload.metadata.timestamp` (ISO, UTC), or null. Required for
 * a temporal source; optional for a non-temporal one, whose first/last value timestamp it becomes.
 */
function stepTimestamp(raw: string | undefined, temporal: boolean): string | null {
  if (raw === undefined || raw === "") {
    if (temporal) throw fieldError("timestamp", "This field is required for a temporal raster source (send it before the file).");
    return null;
  }
  const date = parseIsoTimestamp(raw);
  if (!date) throw fieldError("timestamp", "Expected an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z.");
  return date.toISOString();
}

/**
 * Streams the `file` part of the request into `uploads.ingest` for `source`. Form fields must
 * precede the file (as `requests` and `curl -F` send them); `timestamp` may also be given in
 * the query string. Rejects with a DRF-renderable AppError for a bad request.
 */
export async function receiveStep(req: Request, ctx: ServiceContext, uploads: UploadIngest, source: SourceRef): Promise<IngestResult> {
  if (!req.is("multipart/form-data")) {
    throw Errors.UNSUPPORTED_MEDIA_TYPE({ detail: `Unsupported media type "${req.get("content-type") ?? ""}" in request.` });
  }
  const contentLength = Number(req.get("content-length") ?? NaN);
  const declaredSize = Number.isFinite(contentLength) && contentLength > FORM_OVERHEAD ? contentLength - FORM_OVERHEAD : undefined;
  const controller = new AbortController();
  const onClose = () => !req.complete && controller.abort();
  req.on("close", onClose);
  try {
    return await new Promise<IngestResult>((resolve, reject) => {
      let parser: BusboyInstance;
      try {
        parser = Busboy({
          headers: req.headers as { "content-type": string },
          // A part with a filename or declared as bytes is the file, as curl -F and requests send it.
          isPartAFile: (_name, type, filename) => type === "application/octet-stream" || Boolean(filename),
          limits: { files: 1, fields: 32, fieldSize: 64 * 1024 },
        });
      } catch (error) {
        reject(Errors.INVALID_BODY({ detail: `Malformed multipart request: ${(error as Error).message}` }));
        return;
      }
      const fields = new Map<string, string>();
      let ingest: Promise<IngestResult> | undefined;
      let settled = false;
      // Answer at the first failure; the rest of the body is drained, not parsed.
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        req.unpipe(parser);
        req.resume();
        reject(error);
      };
      parser.on("field", (name, value) => fields.set(name, value));
      parser.on("file", (name, stream, partFilename, _encoding, mimeType) => {
        if (name !== "file" || ingest || settled) return void stream.resume();
        const mimeProblem = mimeTypeProblem(mimeType);
        if (mimeProblem) {
          stream.resume();
          return fail(fieldError("file", mimeProblem));
        }
        let timestamp: string | null;
        try {
          const fromQuery = typeof req.query.timestamp === "string" ? req.query.timestamp : undefined;
          timestamp = stepTimestamp(fields.get("timestamp") ?? fromQuery, source.temporal);
        } catch (error) {
          stream.resume();
          return fail(error);
        }
        ingest = uploads.ingest(ctx, {
          body: stream,
          filename: sanitizeFilename(partFilename || "upload.tif"),
          declaredMimeType: declaredMimeType(mimeType),
          declaredSize,
          type: RASTER_SOURCE_TYPE,
          resourceId: source.resourceId,
          metadata: timestamp ? { timestamp } : {},
          signal: controller.signal,
        });
        ingest.catch(fail);
      });
      parser.on("error", (error: Error) => fail(Errors.INVALID_BODY({ detail: `Malformed multipart request: ${error.message}` })));
      // The parser emits 'finish' once it has parsed the whole body.
      parser.on("finish", () => {
        if (!ingest) return fail(fieldError("file", "No file was submitted."));
        ingest.then((result) => {
          if (settled) return;
          settled = true;
          resolve(result);
        }, fail);
      });
      req.pipe(parser);
    });
  } finally {
    req.off("close", onClose);
  }
}
