import { Router, type Request } from "express";
import { Errors } from "../errors/index.js";
import { searchParams, serviceContext } from "../http/request-context.js";
import { sendJson } from "../http/send-json.js";
import { isCompactSpec } from "./parse-perm-spec.js";
import { toCompact, toExtended } from "./perm-spec.js";
import type { EffectivePermissions, PermissionService } from "./permission-service.js";

type Shape = "extended" | "compact";

/** `?format=compact|extended` wins; otherwise a write answers in the shape it was sent in. */
function responseShape(req: Request): Shape {
  const format = searchParams(req).get("format");
  if (format === "compact" || format === "extended") return format;
  if (format !== null) throw Errors.INVALID_PARAMETER({ detail: "format must be 'extended' or 'compact'", source: { parameter: "format" } });
  const body = req.body as unknown;
  return typeof body === "object" && body !== null && !Array.isArray(body) && isCompactSpec(body as Record<string, unknown>) ? "compact" : "extended";
}

function render(shape: Shape, spec: EffectivePermissions) {
  return shape === "compact" ? toCompact(spec.entries, spec.ownerId) : toExtended(spec.entries);
}

/**
 * `/resources/:id/permissions`: GeoNode's perm_spec (GET, PUT replaces, PATCH
 * merges, DELETE resets). Mounted inside `/resources` ahead of the resource
 * routes; every other path falls through to them.
 */
export function permissionRoutes(service: PermissionService): Router {
  const router = Router();

  router.get("/:id/permissions", async (req, res) => {
    const shape = responseShape(req);
    sendJson(req, res, 200, render(shape, await service.get(serviceContext(req), req.params.id)));
  });

  router.put("/:id/permissions", async (req, res) => {
    const shape = responseShape(req);
    sendJson(req, res, 200, render(shape, await service.replace(serviceContext(req), req.params.id, req.body)));
  });

  router.patch("/:id/permissions", async (req, res) => {
    const shape = responseShape(req);
    sendJson(req, res, 200, render(shape, await service.merge(serviceContext(req), req.params.id, req.body)));
  });

  router.delete("/:id/permissions", async (req, res) => {
    const shape = responseShape(req);
    sendJson(req, res, 200, render(shape, await service.reset(serviceContext(req), req.params.id)));
  });

  return router;
}
