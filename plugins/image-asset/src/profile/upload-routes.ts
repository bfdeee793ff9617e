import { Router, type Request } from "express";
import { baseUrl, jsonApiListParameters, parseJsonApiQuery, route, searchParams, serviceContext } from "@assets/core";
import { DATOCMS_ITEM, DATOCMS_LIST, datocmsErrors } from "./datocms-schemas.js";
import { takeInUseFilter } from "./in-use.js";
import { sendDatocms } from "./send-datocms.js";
import { requestLocale, type SiteLocales } from "./site-locales.js";
import { uploadFields } from "./upload-fields.js";
import { serializeUpload } from "./upload-serializer.js";
import type { DatocmsUploadService } from "./upload-service.js";

/** What the upload routes need to know of the profile. */
export interface UploadRouteOptions {
  prefix: string;
  /** The site's locales: `default_field_metadata` has each; `locale` may name one (default the first). */
  locales: SiteLocales;
}

const LIST_OPTIONS = { defaultLimit: 30, maxLimit: 500, defaultSort: [{ field: "_created_at", direction: "desc" }] } as const;

/** Absolute URL of the delivery route, which uploads' `url`s extend with their `path`. */
export function assetsBase(req: Request, prefix: string): string {
  return `${baseUrl(req)}${prefix}/assets`;
}

/** `GET /uploads` (DatoCMS's list query), `GET /uploads/:id` and `GET /uploads/:id/references`. */
export function uploadReadRoutes(uploads: DatocmsUploadService, options: UploadRouteOptions): Router {
  const router = Router();
  const { locales } = options;
  route(router, {
    method: "get",
    path: "/",
    summary: "List uploads",
    tags: ["uploads"],
    // The catalogue of the main locale; `locale` moves the alt/title filters and filter[query] to another.
    parameters: [
      { name: "locale", in: "query", description: `Where alt/title filters and filter[query] look: one of the site's locales (${locales.all.join(", ")}; default ${locales.main})` },
      { name: "filter[fields][in_use][eq]", in: "query", description: "Whether a resource references the upload", schema: { type: "boolean" } },
      ...jsonApiListParameters({ ...LIST_OPTIONS, fields: uploadFields(locales.main) }),
    ],
    responses: { 200: { description: "A page of uploads", schema: DATOCMS_LIST }, ...datocmsErrors(401, 422) },
    handler: async (req, res) => {
      const params = searchParams(req);
      const inUse = takeInUseFilter(params);
      const fields = uploadFields(requestLocale(locales, params));
      const page = await uploads.list(serviceContext(req), parseJsonApiQuery(params, { ...LIST_OPTIONS, fields }), fields, inUse);
      const base = assetsBase(req, options.prefix);
      sendDatocms(res, 200, { data: page.rows.map((row) => serializeUpload(row, base, locales)), meta: { total_count: page.total } });
    },
  });
  route(router, {
    method: "get",
    path: "/:id/references",
    summary: "What references an upload",
    tags: ["uploads"],
    responses: { 200: { description: "The referencing records", schema: DATOCMS_LIST }, ...datocmsErrors(401, 404) },
    handler: async (req, res) => {
      sendDatocms(res, 200, { data: await uploads.references(serviceContext(req), String(req.params.id)) });
    },
  });
  route(router, {
    method: "get",
    path: "/:id",
    summary: "An upload",
    tags: ["uploads"],
    responses: { 200: { description: "The upload", schema: DATOCMS_ITEM }, ...datocmsErrors(401, 404) },
    handler: async (req, res) => {
      const upload = await uploads.get(serviceContext(req), String(req.params.id));
      sendDatocms(res, 200, { data: serializeUpload(upload, assetsBase(req, options.prefix), locales) });
    },
  });
  return router;
}
