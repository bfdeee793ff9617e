import { Router, type RequestHandler } from "express";
import { Errors, withErrorProfile, type PluginHost } from "@assets/core";
import { bulkRoutes } from "./bulk-routes.js";
import { BulkUploadService } from "./bulk-service.js";
import { DATOCMS_DELIVERY_ERRORS, DatocmsErrors } from "./datocms-errors.js";
import type { RateLimit } from "./rate-limit.js";
import type { SiteLocales } from "./site-locales.js";
import { siteRoutes } from "./site-routes.js";
import { JobResultService } from "./job-result-service.js";
import { uploadCollectionRoutes } from "./upload-collection-routes.js";
import { UploadCollectionService } from "./upload-collection-service.js";
import { uploadReadRoutes } from "./upload-routes.js";
import { uploadTagRoutes } from "./upload-tag-routes.js";
import { UploadTagService } from "./upload-tag-service.js";
import { uploadUpdateRoutes } from "./upload-update-routes.js";
import { UploadUpdateService } from "./upload-update-service.js";
import { uploadWriteRoutes } from "./upload-write-routes.js";
import { DatocmsUploadService } from "./upload-service.js";

/** Options of the DatoCMS profile. */
export interface DatocmsProfileOptions {
  /** Where the profile is mounted inside the asset router (default `/datocms`); uploads' `url`s point under it. */
  prefix: string;
  /** The rate limit, counting requests per API key (in-process, or in Redis so processes agree). */
  limiter: RateLimit;
  /** The site's locales, the first the main one (`GET /site`); `default_field_metadata` is kept in each. */
  locales: SiteLocales;
}

/** DatoCMS's CMA is version 3; a client that asks for another one is refused rather than misunderstood. */
const apiVersion: RequestHandler = (req, _res, next) => {
  const version = req.get("x-api-version");
  if (version !== undefined && version.trim() !== "3") throw DatocmsErrors.INVALID_API_VERSION(`X-Api-Version '${version}' is not served; use 3`);
  next();
};

/** A path under the profile that no route serves. */
const notFound: RequestHandler = (req) => {
  throw Errors.NOT_FOUND({ detail: `No route serves ${req.method} ${req.originalUrl.split("?")[0]}` });
};

/**
 * The DatoCMS Content Management API profile (`baseUrl: "http://host/datocms"` is the whole
 * client setup). `before` routers (the delivery route, `GET /assets/:id/:filename`) run first;
 * errors are thrown and answered in DatoCMS's shape (the plugin's `errors: DATOCMS_ERRORS`; the
 * delivery routes' keep their statuses).
 */
export function datocmsRouter(host: PluginHost, options: DatocmsProfileOptions, before: readonly Router[] = []): Router {
  const uploads = new DatocmsUploadService();
  const router = Router();
  // The delivery route is a CDN's, not the CMA's: its errors keep their statuses (a bad imgix parameter is a 400).
  for (const routes of before) router.use(withErrorProfile(DATOCMS_DELIVERY_ERRORS, routes));
  // The CMA's answers, errors included, carry the rate headers; the delivery route above is a CDN's and has none.
  router.use(options.limiter.middleware);
  router.use(apiVersion);
  router.use(uploadWriteRoutes(host.signedUploads, uploads, new JobResultService(host.uploads, uploads), options));
  router.use(uploadUpdateRoutes(new UploadUpdateService(host.signedUploads, uploads, options.locales), options.locales));
  router.use("/uploads/bulk", bulkRoutes(new BulkUploadService(host.jobs)));
  router.use("/uploads", uploadReadRoutes(uploads, options));
  router.use("/upload-collections", uploadCollectionRoutes(new UploadCollectionService()));
  router.use(uploadTagRoutes(new UploadTagService()));
  router.use(siteRoutes(options.locales));
  router.use(notFound);
  return router;
}
