import type { Router } from "express";
import { z } from "zod";
import type { FieldReadPolicy } from "../access/field-policy.js";
import { Errors } from "../errors/index.js";
import { collectionRouter } from "../http/collection-router.js";
import { parseJsonApiBody } from "../http/jsonapi.js";
import type { PluginRegistry } from "../plugins/registry.js";
import type { ListOptions } from "../query/field-catalog.js";
import { resourceAttributes, resourcePatch } from "./resource-input.js";
import { RESOURCE_DOCUMENTS, serializeResource } from "./resource-serializer.js";
import type { ResourceReferences } from "./resource-references.js";
import type { ResourceRecord, ResourceService } from "./resource-service.js";

/** A resource as the routes render it: with whether the caller may change it. */
interface ShownResource {
  record: ResourceRecord;
  writable: boolean;
}

const DELETE_QUERY = z.object({
  force: z.enum(["true", "false"]).optional().describe("Delete even when other things depend on it (see /resources/{id}/references), which breaks them"),
});

/** `/resources`: the generic JSON:API over every asset type. */
export function resourceRoutes(
  service: ResourceService,
  references: ResourceReferences,
  registry: PluginRegistry,
  listOptions: ListOptions,
  fieldPolicy?: FieldReadPolicy,
): Router {
  const creatableTypes = new Set(["resource", ...registry.types.keys()]);
  const shown = (record: ResourceRecord, writable = true): ShownResource => ({ record, writable });

  return collectionRouter<ShownResource>({
    docs: { noun: "resource", type: [...creatableTypes], create: resourceAttributes, update: resourcePatch, tags: ["resources"], removeErrors: [400, 409], documents: RESOURCE_DOCUMENTS },
    render: ({ record, writable }, base) => serializeResource(record, base, writable, registry),
    list: {
      options: listOptions,
      fieldPolicy,
      run: async (ctx, query) => {
        const page = await service.list(ctx, query);
        return { rows: page.rows.map((row) => shown(row, page.writable.has(row.id))), total: page.total };
      },
    },
    get: async (ctx, id) => {
      const row = await service.get(ctx, id);
      return shown(row, (await service.allowedIds(ctx, "change", [row.id])).has(row.id));
    },
    create: async (ctx, body) => {
      const type = (body as { data?: { type?: unknown } } | undefined)?.data?.type;
      if (typeof type !== "string" || !creatableTypes.has(type)) {
        throw Errors.INVALID_BODY({ detail: `data.type must be one of ${[...creatableTypes].join(", ")}`, source: { pointer: "/data/type" } });
      }
      const attributes = parseJsonApiBody(body, resourceAttributes);
      // A plugin type's own record is created with the resource (its defaults), so every resource
      // of the type has one to filter and sort on.
      const relation = registry.types.get(type)?.relation;
      return shown(await service.create(ctx, { ...attributes, type }, relation ? { [relation]: { create: {} } } : {}));
    },
    update: async (ctx, id, body) => shown(await service.update(ctx, id, parseJsonApiBody(body, resourcePatch))),
    removeQuery: DELETE_QUERY,
    remove: async (ctx, id, _params, query) => {
      await references.delete(ctx, id, (query as z.infer<typeof DELETE_QUERY>).force === "true");
    },
  });
}
