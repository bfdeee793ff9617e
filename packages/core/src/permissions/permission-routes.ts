import { Router, type Request } from "express";
import { z } from "zod";
import { jsonApiErrors } from "../http/jsonapi-schemas.js";
import { searchParams, serviceContext } from "../http/request-context.js";
import { route } from "../http/route.js";
import { sendJson } from "../http/send-json.js";
import { isCompactSpec } from "./parse-perm-spec.js";
import { toCompact, toExtended } from "./perm-spec.js";
import type { EffectivePermissions, PermissionService } from "./permission-service.js";
import { PERM_SPEC } from "./perm-spec-schema.js";

type Shape = "extended" | "compact";

const FORMAT_QUERY = z.object({ format: z.enum(["extended", "compact"]).optional().describe("Shape of the answer (default: the shape of the body sent, else extended)") });

/** `?format=compact|extended` (checked by FORMAT_QUERY) wins; otherwise a write answers in the shape it was sent in. */
function responseShape(req: Request): Shape {
  const format = searchParams(req).get("format");
  if (format === "compact" || format === "extended") return format;
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
  const operations = [
    { method: "get", summary: "The resource's perm_spec", run: (req: Request) => service.get(serviceContext(req), String(req.params.id)) },
    { method: "put", summary: "Replace the resource's perm_spec", body: true, run: (req: Request) => service.replace(serviceContext(req), String(req.params.id), req.body) },
    { method: "patch", summary: "Merge grants into the resource's perm_spec", body: true, run: (req: Request) => service.merge(serviceContext(req), String(req.params.id), req.body) },
    { method: "delete", summary: "Reset the resource's perm_spec to its defaults", run: (req: Request) => service.reset(serviceContext(req), String(req.params.id)) },
  ] as const;
  for (const { method, summary, run, ...op } of operations) {
    route(router, {
      method,
      path: "/:id/permissions",
      summary,
      tags: ["permissions"],
      query: FORMAT_QUERY,
      // The perm_spec parser checks the body with JSON pointers to each subject; the schema documents it.
      ...("body" in op ? { body: PERM_SPEC, validateBody: false } : {}),
      responses: { 200: { description: "The perm_spec after the change", schema: PERM_SPEC }, ...jsonApiErrors(400, 403, 404) },
      handler: async (req, res) => {
        const shape = responseShape(req);
        sendJson(req, res, 200, render(shape, await run(req)));
      },
    });
  }
  return router;
}
