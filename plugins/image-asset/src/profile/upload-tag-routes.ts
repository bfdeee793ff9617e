import { Router } from "express";
import { buildPage, route, searchParams, serviceContext } from "@assets/core";
import { DATOCMS_ERROR, pageParameters, RATE_HEADERS, tagList } from "./datocms-schemas.js";
import { sendDatocms } from "./send-datocms.js";
import type { UploadTagService } from "./upload-tag-service.js";

/** DatoCMS's paging of tag lists: 50 by default, at most 500. */
const PAGE_OPTIONS = { fields: {}, defaultLimit: 50, maxLimit: 500 } as const;
const PAGE_NAMES = { offset: "page[offset]", limit: "page[limit]" } as const;

/**
 * `GET /upload-tags` (`filter[query]`, `page[offset]`, `page[limit]`) and `GET /upload-smart-tags`,
 * which is always empty: smart tags come from DatoCMS's image recognition, which has no model here.
 */
export function uploadTagRoutes(tags: UploadTagService): Router {
  const router = Router();
  route(router, {
    method: "get",
    path: "/upload-tags",
    summary: "The tags of the uploads the caller may list, in name order",
    tags: ["upload-tags"],
    parameters: [{ name: "filter[query]", in: "query", description: "Only tags containing this text (case-insensitive)" }, ...pageParameters(50, 500)],
    responses: { 200: { description: "One page of tags", schema: tagList("upload_tag"), headers: RATE_HEADERS }, 422: { description: "A bad page parameter", schema: DATOCMS_ERROR } },
    handler: async (req, res) => {
      const params = searchParams(req);
      const page = buildPage(PAGE_OPTIONS, { offset: params.get("page[offset]") ?? undefined, limit: params.get("page[limit]") ?? undefined }, PAGE_NAMES);
      const found = await tags.list(serviceContext(req), params.get("filter[query]") ?? undefined, page);
      sendDatocms(res, 200, { data: found.names.map((name) => ({ type: "upload_tag", id: name, attributes: { name } })), meta: { total_count: found.total } });
    },
  });
  route(router, {
    method: "get",
    path: "/upload-smart-tags",
    summary: "Smart tags: always none (no image recognition here)",
    tags: ["upload-tags"],
    parameters: [{ name: "filter[query]", in: "query", description: "Accepted; there is nothing to match" }, ...pageParameters(50, 500)],
    responses: { 200: { description: "An empty list", schema: tagList("upload_smart_tag"), headers: RATE_HEADERS }, 422: { description: "A bad page parameter", schema: DATOCMS_ERROR } },
    handler: (req, res) => {
      const params = searchParams(req);
      buildPage(PAGE_OPTIONS, { offset: params.get("page[offset]") ?? undefined, limit: params.get("page[limit]") ?? undefined }, PAGE_NAMES);
      sendDatocms(res, 200, { data: [], meta: { total_count: 0 } });
    },
  });
  return router;
}
