import { Router } from "express";
import type { PluginHost } from "@assets/core";
import { geonodeErrorHandler, geonodeNotFound } from "./geonode-errors.js";
import { limitRoutes } from "./limit-routes.js";
import { resourceApiRoutes } from "./resource-api-routes.js";

/**
 * GeoNode's REST API v2 profile, mounted at `/api/v2`: the upload limits, then the resource
 * endpoints; every error leaves in GeoNode's shape (`{success, errors, code}`), a path no
 * route serves is its 404.
 */
export function geonodeRouter(host: PluginHost): Router {
  const router = Router();
  router.use(limitRoutes(host));
  router.use(resourceApiRoutes(host));
  router.use(geonodeNotFound);
  router.use(geonodeErrorHandler(host.log));
  return router;
}
