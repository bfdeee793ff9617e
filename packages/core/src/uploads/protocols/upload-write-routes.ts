import { Router } from "express";
import { Errors } from "../../errors/index.js";
import type { Pipeline } from "../create-pipeline.js";
import type { UploadService } from "../upload-service.js";
import { serializeUpload } from "../upload-serializer.js";
import { idempotency, type IdempotencyOptions } from "./idempotency.js";
import { serializeJob } from "../job-routes.js";
import { ingestMultipart } from "./multipart-upload.js";
import { baseUrl, serviceContext } from "../../http/request-context.js";
import { sendJson } from "../../http/send-json.js";

/**
 * `POST /uploads` as multipart/form-data: 202 with the upload (state
 * `received`) and its job, which `Location` points at. `DELETE /uploads/:id`.
 * JSON bodies (DatoCMS's create-from-path) fall through to the next router.
 */
export function uploadWriteRoutes(pipeline: Pipeline, uploads: UploadService, options: { idempotency?: IdempotencyOptions } = {}): Router {
  const router = Router();

  router.post("/", idempotency(options.idempotency), async (req, res, next) => {
    if (!req.is("multipart/form-data")) {
      if (req.is(["application/json", "application/vnd.api+json"])) return next();
      throw Errors.UNSUPPORTED_MEDIA_TYPE({ detail: "Send the file as multipart/form-data (a part named 'file'), or JSON with the path of an upload request" });
    }
    const ctx = serviceContext(req);
    let result;
    try {
      result = await ingestMultipart(req, ctx, pipeline.ingest);
    } catch (error) {
      // The rest of the body is not wanted: close the connection after answering.
      if (!req.complete) res.setHeader("Connection", "close");
      throw error;
    }
    const base = baseUrl(req);
    const upload = serializeUpload(result.upload, base);
    upload.relationships = { ...upload.relationships, job: { data: { type: "job", id: result.job.id } } };
    res.setHeader("Location", `${base}/jobs/${result.job.id}`);
    sendJson(req, res, 202, { data: upload, included: [serializeJob(result.job, base)] });
  });

  router.delete("/:id", async (req, res) => {
    await uploads.delete(serviceContext(req), req.params.id, pipeline.objects);
    res.status(204).end();
  });

  return router;
}
