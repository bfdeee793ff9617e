import { UploadService, definePlugin } from "@assets/core";
import { APIDATATOOLS_ERRORS, listUploadsRoutes } from "./list-uploads-routes.js";

/** Where the profile answers inside the asset router, as in apidatatools. */
export const APIDATATOOLS_PREFIX = "/list-uploads-api";

/**
 * The apidatatools profile: its List Uploads API (`GET /list-uploads-api`,
 * `x-api-key`, `x-upload-status`, `{ "uploads": [...] }`, `{ "error": ... }`)
 * over the core's uploads. It adds no asset type and no tables.
 */
export function apidatatoolsPlugin() {
  return definePlugin({
    name: "apidatatools",
    prefix: APIDATATOOLS_PREFIX,
    routes: () => listUploadsRoutes(new UploadService()),
    api: { title: "apidatatools List Uploads API", version: "1" },
    errors: APIDATATOOLS_ERRORS,
  });
}

export { APIDATATOOLS_ERRORS, APIDATATOOLS_MAX_UPLOADS, listUploadsRoutes } from "./list-uploads-routes.js";
export { APIDATATOOLS_STATUSES, renderUpload, type ApidatatoolsStatus, type ApidatatoolsUpload } from "./apidatatools-upload.js";
