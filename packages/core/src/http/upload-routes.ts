import { Router } from "express";
import { parseJsonApiQuery } from "../query/jsonapi-dialect.js";
import type { ListOptions } from "../query/field-catalog.js";
import { serializeUpload } from "../uploads/upload-serializer.js";
import type { UploadService } from "../uploads/upload-service.js";
import { listDocument } from "./jsonapi.js";
import { baseUrl, searchParams, serviceContext } from "./request-context.js";
import { sendJson } from "./send-json.js";

/** `/uploads` reads: newest first unless `order_by` says otherwise. */
export function uploadReadRoutes(service: UploadService, listOptions: ListOptions): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const query = parseJsonApiQuery(searchParams(req), listOptions);
    const page = await service.list(serviceContext(req), query);
    sendJson(req, res, 200, listDocument(req, page.rows.map((row) => serializeUpload(row, baseUrl(req))), query.page, page.total));
  });

  router.get("/:id", async (req, res) => {
    const row = await service.get(serviceContext(req), req.params.id);
    sendJson(req, res, 200, { data: serializeUpload(row, baseUrl(req)) });
  });

  return router;
}
