import { Router } from "express";
import { buildPage, searchParams, serviceContext } from "@assets/core";
import { sendDatocms } from "./send-datocms.js";
import type { UploadTagService } from "./upload-tag-service.js";

/** DatoCMS's paging of tag lists: 50 by default, at most 500. */
const PAGE_OPTIONS = { fields: {}, defaultLimit: 50, maxLimit: 500 } as const;

/**
 * `GET /upload-tags` (`filter[query]`, `page[offset]`, `page[limit]`) and `GET /upload-smart-tags`,
 * which is always empty: smart tags come from DatoCMS's image recognition, which has no model here.
 */
export function uploadTagRoutes(tags: UploadTagService): Router {
  const router = Router();
  router.get("/upload-tags", async (req, res) => {
    const params = searchParams(req);
    const page = buildPage(PAGE_OPTIONS, { offset: params.get("page[offset]") ?? undefined, limit: params.get("page[limit]") ?? undefined }, { offset: "page[offset]", limit: "page[limit]" });
    const found = await tags.list(serviceContext(req), params.get("filter[query]") ?? undefined, page);
    sendDatocms(res, 200, { data: found.names.map((name) => ({ type: "upload_tag", id: name, attributes: { name } })), meta: { total_count: found.total } });
  });
  router.get("/upload-smart-tags", (req, res) => {
    const params = searchParams(req);
    buildPage(PAGE_OPTIONS, { offset: params.get("page[offset]") ?? undefined, limit: params.get("page[limit]") ?? undefined }, { offset: "page[offset]", limit: "page[limit]" });
    sendDatocms(res, 200, { data: [], meta: { total_count: 0 } });
  });
  return router;
}
