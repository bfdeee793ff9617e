import { Router } from "express";
import { z } from "zod";
import { JSONAPI_ITEM, jsonApiErrors } from "../../http/jsonapi-schemas.js";
import { route } from "../../http/route.js";
import { Errors } from "../../errors/index.js";
import type { Pipeline } from "../create-pipeline.js";
import type { UploadService } from "../upload-service.js";
import { serializeUpload } from "../upload-serializer.js";
import { idempotency, type IdempotencyOptions } from "./idempotency.js";
import { serializeJob } from "../job-routes.js";
import { ingestMultipart } from "./multipart-upload.js";
import { baseUrl, serviceContext } from "../../http/request-context.js";
import { sendJson } from "../../http/send-json.js";

/** The form `ingestMultipart` reads: fields, then one `file` part. */
const MULTIPART_UPLOAD = z.object({
  type: z.string().optional().describe("Asset type key (default: from the file's name and bytes)"),
  resource_id: z.string().optional().describe("The resource the file becomes the content of"),
  author: z.string().optional(),
  copyright: z.string().optional(),
  notes: z.string().optional(),
  tags: z.string().optional().describe("Comma-separated"),
  default_field_metadata: z.string().optional().describe("JSON object"),
  file: z.string().meta({ contentMediaType: "application/octet-stream" }).describe("The file's bytes"),
});

/**
 * `POST /uploads` as multipart/form-data: 202 with the upload (state
 * `received`) and its job, which `Location` points at. `DELETE /uploads/:id`.
 * (A profile's own create, e.g. DatoCMS's from an upload request's path, lives in its plugin.)
 */
export function uploadWriteRoutes(pipeline: Pipeline, uploads: UploadService, options: { idempotency?: IdempotencyOptions } = {}): Router {
  const router = Router();

  route(router, {
    method: "post",
    path: "/",
    summary: "Upload a file (multipart/form-data)",
    description:
      "Streams the `file` part to storage while hashing it; fields before the file choose its `type` and `resource_id`. Answers 202 with the upload (state `received`) and its job, which `Location` names. An `Idempotency-Key` header makes a retry answer the first result.",
    tags: ["uploads"],
    middleware: [idempotency(options.idempotency)],
    query: z.object({ resource_id: z.string().optional().describe("The resource the file becomes the content of (also a form field)") }),
    parameters: [{ name: "Idempotency-Key", in: "header", description: "Makes retries of this request answer its first result" }],
    requestBody: { schema: MULTIPART_UPLOAD, contentTypes: ["multipart/form-data"] },
    responses: {
      202: { description: "The upload, with its job in `included`", schema: JSONAPI_ITEM, headers: { Location: "URL of the upload's job" } },
      ...jsonApiErrors(400, 403, 404, 409, 413, 415),
    },
    handler: async (req, res) => {
      if (!req.is("multipart/form-data")) throw Errors.UNSUPPORTED_MEDIA_TYPE({ detail: "Send the file as multipart/form-data (a part named 'file')" });
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
    },
  });

  route(router, {
    method: "delete",
    path: "/:id",
    summary: "Delete an upload and its stored files",
    tags: ["uploads"],
    responses: { 204: { description: "Deleted" }, ...jsonApiErrors(403, 404, 409) },
    handler: async (req, res) => {
      await uploads.delete(serviceContext(req), String(req.params.id), pipeline.objects);
      res.status(204).end();
    },
  });

  return router;
}
