import { Router } from "express";
import { listOptionsFor, type FieldReadPolicy } from "../access/field-policy.js";
import { Errors } from "../errors/index.js";
import { parseJsonApiQuery } from "../query/jsonapi-dialect.js";
import type { ListOptions } from "../query/field-catalog.js";
import type { PluginRegistry } from "../plugins/registry.js";
import { resourceAttributes, resourcePatch } from "./resource-input.js";
import { serializeResource } from "./resource-serializer.js";
import type { ResourceService } from "./resource-service.js";
import { listDocument, parseJsonApiBody } from "../http/jsonapi.js";
import { baseUrl, searchParams, serviceContext } from "../http/request-context.js";
import { sendJson } from "../http/send-json.js";

/** `/resources`: the generic JSON:API over every asset type. */
export function resourceRoutes(service: ResourceService, registry: PluginRegistry, listOptions: ListOptions, fieldPolicy?: FieldReadPolicy): Router {
  const router = Router();
  const creatableTypes = new Set(["resource", ...registry.types.keys()]);

  router.get("/", async (req, res) => {
    const ctx = serviceContext(req);
    const query = parseJsonApiQuery(searchParams(req), listOptionsFor(listOptions, ctx.principal, fieldPolicy));
    const page = await service.list(ctx, query);
    const data = page.rows.map((row) => serializeResource(row, baseUrl(req), page.writable.has(row.id), registry));
    sendJson(req, res, 200, listDocument(req, data, query.page, page.total));
  });

  router.get("/:id", async (req, res) => {
    const ctx = serviceContext(req);
    const row = await service.get(ctx, req.params.id);
    const writable = (await service.allowedIds(ctx, "change", [row.id])).has(row.id);
    sendJson(req, res, 200, { data: serializeResource(row, baseUrl(req), writable, registry) });
  });

  router.post("/", async (req, res) => {
    const ctx = serviceContext(req);
    const type = (req.body as { data?: { type?: unknown } } | undefined)?.data?.type;
    if (typeof type !== "string" || !creatableTypes.has(type)) {
      throw Errors.INVALID_BODY({ detail: `data.type must be one of ${[...creatableTypes].join(", ")}`, source: { pointer: "/data/type" } });
    }
    const attributes = parseJsonApiBody(req.body, resourceAttributes);
    // A plugin type's own record is created with the resource (its defaults), so every resource
    // of the type has one to filter and sort on.
    const relation = registry.types.get(type)?.relation;
    const row = await service.create(ctx, { ...attributes, type }, relation ? { [relation]: { create: {} } } : {});
    res.setHeader("Location", `${baseUrl(req)}/resources/${row.id}`);
    sendJson(req, res, 201, { data: serializeResource(row, baseUrl(req), true, registry) });
  });

  router.patch("/:id", async (req, res) => {
    const ctx = serviceContext(req);
    const patch = parseJsonApiBody(req.body, resourcePatch);
    const row = await service.update(ctx, req.params.id, patch);
    sendJson(req, res, 200, { data: serializeResource(row, baseUrl(req), true, registry) });
  });

  router.delete("/:id", async (req, res) => {
    await service.delete(serviceContext(req), req.params.id);
    res.status(204).end();
  });

  return router;
}
