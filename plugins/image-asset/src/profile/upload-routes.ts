import { Router, type Request } from "express";
import { baseUrl, parseJsonApiQuery, searchParams, serviceContext } from "@assets/core";
import { sendDatocms } from "./send-datocms.js";
import { DATOCMS_UPLOAD_FIELDS } from "./upload-fields.js";
import { serializeUpload } from "./upload-serializer.js";
import type { DatocmsUploadService } from "./upload-service.js";

/** What the upload routes need to know of the profile. */
export interface UploadRouteOptions {
  prefix: string;
}

const LIST_OPTIONS = { fields: DATOCMS_UPLOAD_FIELDS, defaultLimit: 30, maxLimit: 500, defaultSort: [{ field: "_created_at", direction: "desc" }] } as const;

/** Absolute URL of the delivery route, which uploads' `url`s extend with their `path`. */
export function assetsBase(req: Request, prefix: string): string {
  return `${baseUrl(req)}${prefix}/assets`;
}

/** `GET /uploads` (DatoCMS's list query) and `GET /uploads/:id`. */
export function uploadReadRoutes(uploads: DatocmsUploadService, options: UploadRouteOptions): Router {
  const router = Router();
  router.get("/", async (req, res) => {
    const query = parseJsonApiQuery(searchParams(req), LIST_OPTIONS);
    const page = await uploads.list(serviceContext(req), query);
    const base = assetsBase(req, options.prefix);
    sendDatocms(res, 200, { data: page.rows.map((row) => serializeUpload(row, base)), meta: { total_count: page.total } });
  });
  router.get("/:id", async (req, res) => {
    const upload = await uploads.get(serviceContext(req), req.params.id);
    sendDatocms(res, 200, { data: serializeUpload(upload, assetsBase(req, options.prefix)) });
  });
  return router;
}
