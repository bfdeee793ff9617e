import type { Router } from "express";
import type { FieldReadPolicy } from "../access/field-policy.js";
import { Errors } from "../errors/index.js";
import { collectionRouter } from "../http/collection-router.js";
import { parseJsonApiBody } from "../http/jsonapi.js";
import type { PluginRegistry } from "../plugins/registry.js";
import type { ListOptions } from "../query/field-catalog.js";
import { resourceAttributes, resourcePatch } from "./resource-input.js";
import { serializeResource } from "./resource-serializer.js";
import type { ResourceRecord, ResourceService } from "./resource-service.js";

/** A resource as the routes render it: with whether the caller may change it. */
interface ShownResource {
  record: ResourceRecord;
  writable: boolean;
}

/** `/resources`: the generic JSON:API over every asset type. */
export function resourceRoutes(service: ResourceService, registry: PluginRegistry, listOptions: ListOptions, fieldPolicy?: FieldReadPolicy): Router {
  const creatableTypes = new Set(["resource", ...registry.types.keys()]);
  const shown = (record: ResourceRecord, writable = true): ShownResource => ({ record, writable });

  return collectionRouter<ShownResource>({
    docs: { noun: "resource", type: [...creatableTypes], create: resourceAttributes, update: resourcePatch, tags: ["resources"] },
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
    remove: async (ctx, id) => {
      await service.delete(ctx, id);
    },
  });
}
