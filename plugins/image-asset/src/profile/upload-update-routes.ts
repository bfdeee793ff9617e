import { Router } from "express";
import { serviceContext } from "@assets/core";
import { sendDatocms } from "./send-datocms.js";
import { parseUploadUpdate } from "./upload-update.js";
import type { UploadUpdateService } from "./upload-update-service.js";

/**
 * `PUT /uploads/:id`: DatoCMS's partial update, answering `{ data: { type: "job", id } }`
 * (the official client's `uploads.update` then polls `/job-results/:id` for the upload).
 */
export function uploadUpdateRoutes(updates: UploadUpdateService): Router {
  const router = Router();
  router.put("/uploads/:id", async (req, res) => {
    const changes = parseUploadUpdate(req.body);
    const job = await updates.update(serviceContext(req), req.params.id, changes);
    sendDatocms(res, 202, { data: { type: "job", id: job.id } });
  });
  return router;
}
