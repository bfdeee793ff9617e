import { Router } from "express";
import type { PluginHost } from "@assets/core";
import { browsableApi } from "@assets/drf";
import { executionRoutes } from "./execution-routes.js";
import { geonodeNotFound } from "./geonode-errors.js";
import { limitRoutes } from "./limit-routes.js";
import { operationRoutes } from "./operation-routes.js";
import { schemaRoutes } from "./geonode-openapi.js";
import { resourceApiRoutes } from "./resource-api-routes.js";
import { uploadRoutes } from "./upload-routes.js";

/**
 * GeoNode's REST API v2 profile, mounted at `/api/v2` (browsable with `?format=api`, as DRF):
 * uploads, execution requests and the upload limits, then the resource endpoints; errors are
 * thrown and answered in GeoNode's shape (`{success, errors, code}`: the plugin's
 * `errors: GEONODE_ERRORS`), a path no route serves is its 404.
 */
export function geonodeRouter(host: PluginHost): Router {
  const router = Router();
  router.use(schemaRoutes(host));
  router.use(browsableApi({ name: "GeoNode API v2" }));
  router.use(uploadRoutes(host));
  router.use(executionRoutes(host));
  router.use(limitRoutes(host));
  // Before the resource routes: /resources/{id}/copy is an operation, not a related field.
  router.use(operationRoutes(host));
  router.use(resourceApiRoutes(host));
  router.use(geonodeNotFound);
  return router;
}
