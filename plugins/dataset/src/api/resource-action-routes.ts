import { Router } from "express";
import { searchParams, serviceContext } from "@assets/core";
import { allowOnly, signedIn } from "@assets/drf";
import { parseEntries, parseIds, renderEntries } from "./extra-metadata.js";
import { idParam } from "./resource-base-routes.js";
import type { ResourceActionService } from "./resource-action-service.js";

const EXTRA = "/resources/:id/extra_metadata/";
const PERMISSIONS = "/resources/:id/permissions/";

/**
 * `/resources/resource_types/`, `/resources/{id}/extra_metadata/` (GET lists,
 * POST adds, PUT updates by id, DELETE removes by id; each answers the
 * resulting list) and `/resources/{id}/permissions/` (GeoNode 4's compact perm_spec).
 */
export function resourceActionRoutes(service: ResourceActionService): Router {
  const router = Router();

  router.get("/resources/resource_types/", async (req, res) => {
    res.json({ resource_types: await service.resourceTypes(serviceContext(req)) });
  });
  router.all("/resources/resource_types/", allowOnly(["GET"]));

  router.get(EXTRA, async (req, res) => {
    res.json(renderEntries(await service.extraMetadata(serviceContext(req), idParam(req), searchParams(req))));
  });
  router.post(EXTRA, signedIn, async (req, res) => {
    res.status(201).json(renderEntries(await service.addExtraMetadata(serviceContext(req), idParam(req), parseEntries(req.body, false))));
  });
  router.put(EXTRA, signedIn, async (req, res) => {
    res.json(renderEntries(await service.replaceExtraMetadata(serviceContext(req), idParam(req), parseEntries(req.body, true))));
  });
  router.delete(EXTRA, signedIn, async (req, res) => {
    res.json(renderEntries(await service.removeExtraMetadata(serviceContext(req), idParam(req), parseIds(req.body))));
  });
  router.all(EXTRA, allowOnly(["GET", "POST", "PUT", "DELETE"]));

  router.get(PERMISSIONS, signedIn, async (req, res) => {
    res.json(await service.permissionsOf(serviceContext(req), idParam(req)));
  });
  router.put(PERMISSIONS, signedIn, async (req, res) => {
    res.json(await service.setPermissions(serviceContext(req), idParam(req), "replace", req.body));
  });
  router.patch(PERMISSIONS, signedIn, async (req, res) => {
    res.json(await service.setPermissions(serviceContext(req), idParam(req), "merge", req.body));
  });
  router.delete(PERMISSIONS, signedIn, async (req, res) => {
    res.json(await service.setPermissions(serviceContext(req), idParam(req), "reset", undefined));
  });
  router.all(PERMISSIONS, allowOnly(["GET", "PUT", "PATCH", "DELETE"]));

  return router;
}
