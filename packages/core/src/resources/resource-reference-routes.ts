import { Router } from "express";
import { z } from "zod";
import { JSONAPI_BODY_TYPES, jsonApiErrors } from "../http/jsonapi-schemas.js";
import { baseUrl, serviceContext } from "../http/request-context.js";
import { route, schemaComponent } from "../http/route.js";
import { sendJson } from "../http/send-json.js";
import type { ResourceReferences } from "./resource-references.js";
import { MAX_REFERENCES, type OutgoingReference, type StoredReferences } from "./stored-references.js";

const REFERENCES = schemaComponent(
  "ResourceReferences",
  z.object({
    data: z.array(
      z.object({
        type: z.string().describe("Kind of dependant, in its API's words (raster_layer, label_type, item)"),
        id: z.string(),
        attributes: z.object({ name: z.string().nullable().describe("null for a resource the caller may not view"), field: z.string().optional().describe("The dependant's field holding the reference, for one recorded with PUT /resources/{id}/uses/{field}") }),
        links: z.object({ self: z.string() }).optional(),
      }),
    ),
    meta: z.object({ total_count: z.number().int(), in_use: z.boolean() }),
  }),
);

const USES = schemaComponent(
  "ResourceUses",
  z.object({
    data: z.array(
      z.object({
        type: z.string().describe("The referenced resource's type"),
        id: z.string(),
        attributes: z.object({ field: z.string(), name: z.string().nullable().describe("null for a resource the caller may not view") }),
        links: z.object({ self: z.string() }),
      }),
    ),
    meta: z.object({ total_count: z.number().int() }),
  }),
);

const SET_USES = z.object({ data: z.array(z.object({ type: z.string().optional(), id: z.string().min(1).max(40) })).max(MAX_REFERENCES) });

function usesDocument(base: string, uses: readonly OutgoingReference[]) {
  const data = uses.map(({ field, to }) => ({ type: to.type, id: String(to.id), attributes: { field, name: to.name }, links: { self: `${base}/resources/${to.id}` } }));
  return { data, meta: { total_count: data.length } };
}

/**
/**
 * `GET /resources/:id/references`: what depends on a resource, the references recorded to it and
 * its type's plugin's (its `references` hook), so a client asks one endpoint before a delete
 * whatever the type. `GET /resources/:id/uses` and `PUT /resources/:id/uses/:field` read and set
 * the references a resource makes. Mounted inside `/resources` ahead of the resource routes.
 */
export function resourceReferenceRoutes(references: ResourceReferences, stored: StoredReferences): Router {
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
      const data = found.map((r) => ({ type: r.type, id: r.id, attributes: { name: r.name ?? null, ...(r.field ? { field: r.field } : {}) }, ...(r.path ? { links: { self: `${base}${r.path}` } } : {}) }));
      sendJson(req, res, 200, { data, meta: { total_count: data.length, in_use: data.length > 0 } });
    },
  });
  route(router, {
    method: "get",
    path: "/:id/uses",
    summary: "What a resource refers to, by field",
    tags: ["resources"],
    responses: { 200: { description: "The referenced resources, each with the field that holds it", schema: USES }, ...jsonApiErrors(404) },
    handler: async (req, res) => {
      sendJson(req, res, 200, usesDocument(baseUrl(req), await stored.outgoing(serviceContext(req), String(req.params.id))));
    },
  });
  route(router, {
    method: "put",
    path: "/:id/uses/:field",
    summary: "Make a field of a resource refer to exactly these resources (none clears it)",
    description: "Needs change_metadata on the resource and view on each target; the targets then list it in their /references and count as in use.",
    tags: ["resources"],
    body: SET_USES,
    bodyTypes: JSONAPI_BODY_TYPES,
    responses: { 200: { description: "The field's references now", schema: USES }, ...jsonApiErrors(400, 403, 404) },
    handler: async (req, res, { body }) => {
      const { data } = body;
      const uses = await stored.set(serviceContext(req), String(req.params.id), String(req.params.field), data.map((target) => target.id));
      sendJson(req, res, 200, usesDocument(baseUrl(req), uses));
    },
  });
  return router;
}
