import { Router } from "express";
import { z } from "zod";
import { jsonApiErrors } from "../http/jsonapi-schemas.js";
import { baseUrl, serviceContext } from "../http/request-context.js";
import { route, schemaComponent } from "../http/route.js";
import { sendJson } from "../http/send-json.js";
import type { ResourceReferences } from "./resource-references.js";

const REFERENCES = schemaComponent(
  "ResourceReferences",
  z.object({
    data: z.array(
      z.object({
        type: z.string().describe("Kind of dependant, in its API's words (raster_layer, label_type, item)"),
        id: z.string(),
        attributes: z.object({ name: z.string().nullable() }),
        links: z.object({ self: z.string() }).optional(),
      }),
    ),
    meta: z.object({ total_count: z.number().int(), in_use: z.boolean() }),
  }),
);

/**
 * `GET /resources/:id/references`: what depends on a resource, from its type's plugin (its
 * `references` hook), so a client asks one endpoint before a delete whatever the type.
 * Mounted inside `/resources` ahead of the resource routes.
 */
export function resourceReferenceRoutes(references: ResourceReferences): Router {
  const router = Router();
  route(router, {
    method: "get",
    path: "/:id/references",
    summary: "What depends on a resource (would break if it were deleted)",
    tags: ["resources"],
    responses: { 200: { description: "The dependants; `meta.in_use` is whether there are any", schema: REFERENCES }, ...jsonApiErrors(404) },
    handler: async (req, res) => {
      const found = await references.list(serviceContext(req), String(req.params.id));
      const base = baseUrl(req);
      const data = found.map((r) => ({ type: r.type, id: r.id, attributes: { name: r.name ?? null }, ...(r.path ? { links: { self: `${base}${r.path}` } } : {}) }));
      sendJson(req, res, 200, { data, meta: { total_count: data.length, in_use: data.length > 0 } });
    },
  });
  return router;
}
