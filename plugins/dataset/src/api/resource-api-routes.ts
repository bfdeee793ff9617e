import { Router } from "express";
import type { PluginHost } from "@assets/core";
import { ResourceActionService } from "./resource-action-service.js";
import { resourceActionRoutes } from "./resource-action-routes.js";
import { ResourceBaseService } from "./resource-base-service.js";
import { resourceBaseRoutes } from "./resource-base-routes.js";
import { CatalogService } from "./catalog-service.js";
import { catalogRoutes } from "./catalog-routes.js";
import { FavoriteService } from "./favorite-service.js";
import { PrincipalService } from "./principal-service.js";
import { resourceCollectionRoutes } from "./resource-collection-routes.js";
import { ResourceFileService } from "./resource-file-service.js";
import { thumbnailRoutes } from "./thumbnail-routes.js";
import { ThumbnailService } from "./thumbnail-service.js";
import { resourceFileRoutes } from "./resource-file-routes.js";

/**
 * GeoNode's resource endpoints (`/resources`, `/datasets`, `/documents` lists and details, bulk,
 * metadata); `geonodeRouter` mounts them after the upload and execution-request routes.
 */
export function resourceApiRoutes(host: PluginHost): Router {
  const resources = new ResourceBaseService(host.storage);
  const router = Router();
  // The fixed paths (/resources/resource_types/, /resources/{id}/extra_metadata/ ...) before the detail routes.
  router.use(resourceActionRoutes(new ResourceActionService(resources)));
  router.use(resourceFileRoutes(new ResourceFileService(resources, host.storage)));
  router.use(resourceCollectionRoutes(resources, new FavoriteService(resources)));
  router.use(catalogRoutes(new CatalogService(resources), new PrincipalService()));
  router.use(thumbnailRoutes(new ThumbnailService(resources, host.storage)));
  router.use(resourceBaseRoutes(resources));
  return router;
}
