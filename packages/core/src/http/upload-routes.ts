import { Router } from "express";
import { listOptionsFor, type FieldReadPolicy } from "../access/field-policy.js";
import { parseJsonApiQuery } from "../query/jsonapi-dialect.js";
import type { ListOptions } from "../query/field-catalog.js";
import { serializeUpload } from "../uploads/upload-serializer.js";
import type { UploadService } from "../uploads/upload-service.js";
import { listDocument } from "./jsonapi.js";
import { baseUrl, searchParams, serviceContext } from "./request-context.js";
import { sendJson } from "./send-json.js";

/** `/uploads` reads: newest first unless `order_by` says otherwise. */
export function uploadReadRoutes(service: UploadService, listOptions: ListOptions, fieldPolicy?: FieldReadPolicy): Router {
  const router = Router();

  router.get("/", async (req, res) => {
    const ctx = serviceContext(req);
    const query = parseJsonApiQuery(searchParams(req), listOptionsFor(listOptions, ctx.principal, fieldPolicy));
    const page = await service.list(ctx, query);
    sendJson(req, res, 200, listDocument(req, page.rows.map((row) => serializeUpload(row, baseUrl(req))), query.page, page.total));
  });

  router.get("/:id", async (req, res) => {
    const row = await service.get(serviceContext(req), req.params.id);
    sendJson(req, res, 200, { data: serializeUpload(row, baseUrl(req)) });
  });

  return router;
}
