import { Router } from "express";
import { route, serviceContext } from "@assets/core";
import { JOB, datocmsErrors } from "./datocms-schemas.js";
import { sendDatocms } from "./send-datocms.js";
import type { SiteLocales } from "./site-locales.js";
import { parseUploadUpdate, UPLOAD_UPDATE_DOCUMENT } from "./upload-body.js";
import type { UploadUpdateService } from "./upload-update-service.js";

/**
 * `PUT /uploads/:id`: DatoCMS's partial update, answering `{ data: { type: "job", id } }`
 * (the official client's `uploads.update` then polls `/job-results/:id` for the upload).
 */
export function uploadUpdateRoutes(updates: UploadUpdateService, locales: SiteLocales): Router {
  const router = Router();
  route(router, {
    method: "put",
    path: "/uploads/:id",
    summary: "Update an upload (metadata, its basename, or a new file by path)",
    tags: ["uploads"],
    body: UPLOAD_UPDATE_DOCUMENT,
    validateBody: false,
    responses: { 202: { description: "The job; /job-results/{id} has the upload", schema: JOB }, ...datocmsErrors(401, 404, 422) },
    handler: async (req, res) => {
      const changes = parseUploadUpdate(req.body, locales);
      const job = await updates.update(serviceContext(req), String(req.params.id), changes);
      sendDatocms(res, 202, { data: { type: "job", id: job.id } });
    },
  });
  return router;
}
