import { Router } from "express";
import type { PluginHost } from "@assets/core";

/**
 * GeoNode's resource endpoints (`/resources`, `/datasets`, `/documents` lists and details, bulk,
 * metadata): the dataset-api lane fills this router; `geonodeRouter` mounts it after the upload
 * and execution-request routes.
 */
export function resourceApiRoutes(_host: PluginHost): Router {
  return Router();
}
