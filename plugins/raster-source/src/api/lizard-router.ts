import { Router } from "express";
import { ResourceService, type PluginHost } from "@assets/core";
import { DependentService } from "./dependent-service.js";
import { dependentRoutes } from "./dependent-routes.js";
import { browsableApi, drfNotFound } from "@assets/drf";
import { LIZARD_SOURCE_FIELDS } from "./lizard-dialect.js";
import { rasterSourceRoutes } from "./rastersource-routes.js";
import { RasterSourceService } from "./rastersource-service.js";

/**
 * The Lizard API v4 profile, mounted at `/api/v4`. `before` routers (the
 * raster data endpoints) run first; errors are thrown, answered in DRF's shape
 * (the plugin's `errors: DRF_ERRORS`).
 */
export function lizardRouter(host: PluginHost, before: readonly Router[] = []): Router {
  const resources = new ResourceService({ fields: LIZARD_SOURCE_FIELDS, include: { raster_source: true } });
  const router = Router();
  for (const routes of before) router.use(routes);
  router.use(browsableApi({ name: "Lizard API v4" }));
  router.use(rasterSourceRoutes(new RasterSourceService(resources)));
  router.use(dependentRoutes(new DependentService()));
  router.use(drfNotFound);
  return router;
}
