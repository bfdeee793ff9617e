import { Router } from "express";
import { z } from "zod";
import { jsonApiWriteDocument, parseJsonApiBody, route, serviceContext, type SignedUploads, uploadRequestPath } from "@assets/core";
import { DATOCMS_ITEM, JOB, datocmsErrors } from "./datocms-schemas.js";
import { IMAGE_ASSET_TYPE } from "../model/image-asset-type.js";
import { assertCollectionExists } from "./collection-exists.js";
import { fillLocales } from "./site-locales.js";
import { parseUploadCreate, UPLOAD_CREATE_DOCUMENT } from "./upload-body.js";
import type { JobOutcome, JobResultService } from "./job-result-service.js";
import { sendDatocms } from "./send-datocms.js";
import { assetsBase, type UploadRouteOptions } from "./upload-routes.js";
import { serializeUpload } from "./upload-serializer.js";
import type { DatocmsUploadService } from "./upload-service.js";

const REQUEST_ATTRIBUTES = z.object({ filename: z.string().max(1024).optional() });

/** A job result's `status` and `payload`: what the operation's HTTP answer would have been. */
function jobResult(outcome: JobOutcome, base: string, options: UploadRouteOptions): { status: number; payload: unknown } {
  const error = (field: string, message: string) => ({ data: [{ id: outcome.job.id, type: "api_error", attributes: { code: "INVALID_FIELD", details: { field, message } } }] });
  if ("bulk" in outcome) return outcome.ok ? { status: 200, payload: { data: [], meta: outcome.bulk } } : { status: 422, payload: error("uploads", outcome.reason) };
  return outcome.ok ? { status: 200, payload: { data: serializeUpload(outcome.upload, base, options.locales) } } : { status: 422, payload: error("path", outcome.reason) };
}

/**
 * DatoCMS's three-step create (`POST /upload-requests`, the signed PUT, `POST /uploads`
 * answering 202 with a job), `GET /job-results/:id` and `DELETE /uploads/:id`.
 */
export function uploadWriteRoutes(signed: SignedUploads, uploads: DatocmsUploadService, results: JobResultService, options: UploadRouteOptions): Router {
  const router = Router();
  route(router, {
    method: "post",
    path: "/upload-requests",
    summary: "Ask for a signed URL to PUT a file's bytes to",
    tags: ["uploads"],
    body: jsonApiWriteDocument(REQUEST_ATTRIBUTES, "upload_request"),
    validateBody: false,
    responses: { 200: { description: "The upload request: its id (the path) and the URL", schema: DATOCMS_ITEM }, ...datocmsErrors(401, 422) },
    handler: async (req, res) => {
      const { filename } = parseJsonApiBody(req.body, REQUEST_ATTRIBUTES, "upload_request");
      const { upload, url } = await signed.request(serviceContext(req), filename, req);
      sendDatocms(res, 200, { data: { type: "upload_request", id: uploadRequestPath(upload), attributes: { url, request_headers: {} } } });
    },
  });

  route(router, {
    method: "post",
    path: "/uploads",
    summary: "Create an upload from an upload request's path",
    tags: ["uploads"],
    body: UPLOAD_CREATE_DOCUMENT,
    validateBody: false,
    responses: { 202: { description: "The job; /job-results/{id} has the upload", schema: JOB }, ...datocmsErrors(401, 422) },
    handler: async (req, res) => {
      const { path, metadata } = parseUploadCreate(req.body, options.locales);
      const ctx = serviceContext(req);
      // An unknown collection is refused here, naming the relationship (the commit would only reject the file later).
      await assertCollectionExists(ctx.db, metadata.upload_collection_id);
      // Every site locale is kept from the start, as DatoCMS does.
      const given = { ...metadata, default_field_metadata: fillLocales(options.locales, metadata.default_field_metadata) };
      const { job } = await signed.complete(ctx, path, given, { type: IMAGE_ASSET_TYPE });
      sendDatocms(res, 202, { data: { type: "job", id: job.id } });
    },
  });

  route(router, {
    method: "get",
    path: "/job-results/:id",
    summary: "The result of a job (404 until it has finished)",
    tags: ["jobs"],
    responses: { 200: { description: "`job_result` with the status and payload the operation would have answered", schema: DATOCMS_ITEM }, ...datocmsErrors(401, 404) },
    handler: async (req, res) => {
      const outcome = await results.find(serviceContext(req), String(req.params.id));
      sendDatocms(res, 200, { data: { type: "job_result", id: outcome.job.id, attributes: jobResult(outcome, assetsBase(req, options.prefix), options) } });
    },
  });

  route(router, {
    method: "delete",
    path: "/uploads/:id",
    summary: "Delete an upload",
    tags: ["uploads"],
    responses: { 200: { description: "The deleted upload", schema: DATOCMS_ITEM }, ...datocmsErrors(401, 404, 422) },
    handler: async (req, res) => {
      const deleted = await uploads.delete(serviceContext(req), String(req.params.id));
      sendDatocms(res, 200, { data: serializeUpload(deleted, assetsBase(req, options.prefix), options.locales) });
    },
  });
  return router;
}
