import { Router, type Request } from "express";
import { z } from "zod";
import { COMPACT_PERM_SPEC, route, searchParams, serviceContext } from "@assets/core";
import { allowOnly, signedIn } from "@assets/drf";
import { EXTRA_METADATA_ENTRY, parseEntries, parseIds, renderEntries, type ExtraMetadataEntry } from "./extra-metadata.js";
import { GEONODE_OBJECT, geonodeErrors } from "./geonode-openapi.js";
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

  route(router, {
    method: "get",
    path: "/resources/resource_types/",
    summary: "Resource types with the count the caller may see and their allowed perms",
    tags: ["resources"],
    responses: { 200: { description: "The types", schema: z.object({ resource_types: z.array(GEONODE_OBJECT) }) } },
    handler: async (req, res) => {
      res.json({ resource_types: await service.resourceTypes(serviceContext(req)) });
    },
  });
  router.all("/resources/resource_types/", allowOnly(["GET"]));

  const extra = (method: "get" | "post" | "put" | "delete", summary: string, body: z.ZodType | undefined, run: (req: Request) => Promise<readonly ExtraMetadataEntry[]>, status = 200) =>
    route(router, {
      method,
      path: EXTRA,
      summary,
      tags: ["resources"],
      ...(method === "get" ? { description: "Query parameters filter the entries by their keys' values." } : { signedIn: true, middleware: [signedIn] }),
      // parseEntries and parseIds check the body with GeoNode's messages; the schemas document it.
      ...(body ? { body, validateBody: false } : {}),
      responses: { [status]: { description: "The resource's metadata entries after the call", schema: z.array(EXTRA_METADATA_ENTRY) }, ...geonodeErrors(400, 401, 403, 404) },
      handler: async (req, res) => {
        res.status(status).json(renderEntries(await run(req)));
      },
    });
  extra("get", "The resource's extra metadata entries", undefined, (req) => service.extraMetadata(serviceContext(req), idParam(req), searchParams(req)));
  extra("post", "Add metadata entries (new ids)", z.array(EXTRA_METADATA_ENTRY.omit({ id: true })).min(1), (req) => service.addExtraMetadata(serviceContext(req), idParam(req), parseEntries(req.body, false)), 201);
  extra("put", "Update metadata entries by id", z.array(EXTRA_METADATA_ENTRY).min(1), (req) => service.replaceExtraMetadata(serviceContext(req), idParam(req), parseEntries(req.body, true)));
  extra("delete", "Remove metadata entries by id", z.array(z.number().int()), (req) => service.removeExtraMetadata(serviceContext(req), idParam(req), parseIds(req.body)));
  router.all(EXTRA, allowOnly(["GET", "POST", "PUT", "DELETE"]));

  const permissions = (method: "get" | "put" | "patch" | "delete", summary: string, run: (req: Request) => Promise<unknown>) =>
    route(router, {
      method,
      path: PERMISSIONS,
      summary,
      tags: ["resources"],
      signedIn: true,
      middleware: [signedIn],
      ...(method === "put" || method === "patch" ? { body: COMPACT_PERM_SPEC, validateBody: false } : {}),
      responses: { 200: { description: "The perm_spec (GeoNode 4's compact shape)", schema: COMPACT_PERM_SPEC }, ...geonodeErrors(400, 401, 403, 404) },
      handler: async (req, res) => {
        res.json(await run(req));
      },
    });
  permissions("get", "The resource's perm_spec", (req) => service.permissionsOf(serviceContext(req), idParam(req)));
  permissions("put", "Replace the resource's perm_spec", (req) => service.setPermissions(serviceContext(req), idParam(req), "replace", req.body));
  permissions("patch", "Merge into the resource's perm_spec", (req) => service.setPermissions(serviceContext(req), idParam(req), "merge", req.body));
  permissions("delete", "Reset the resource's perm_spec", (req) => service.setPermissions(serviceContext(req), idParam(req), "reset", undefined));
  router.all(PERMISSIONS, allowOnly(["GET", "PUT", "PATCH", "DELETE"]));

  return router;
}
