import { Router } from "express";
import type { PluginHost } from "@assets/core";
import { ResourceBaseService } from "./resource-base-service.js";
import { resourceBaseRoutes } from "./resource-base-routes.js";

/**
 * GeoNode's resource endpoints (`/resources`, `/datasets`, `/documents` lists and details, bulk,
 * metadata); `geonodeRouter` mounts them after the upload and execution-request routes.
 */
export function resourceApiRoutes(_host: PluginHost): Router {
  const router = Router();
  router.use(resourceBaseRoutes(new ResourceBaseService()));
  return router;
}
