import { z } from "zod";
import type { JsonApiResource } from "../http/jsonapi.js";
import { jsonApiDocuments } from "../http/jsonapi-schemas.js";
import { ACCESS_MODIFIER_NUMBER } from "../access/access-modifiers.js";
import type { PluginRegistry } from "../plugins/registry.js";
import type { AssetTypeDefinition } from "../plugins/types.js";
import type { ResourceRecord } from "./resource-service.js";

/** Renders a resource as a JSON:API object; type-specific attributes come from the type's plugin. */
export function serializeResource(row: ResourceRecord, base: string, writable: boolean, registry: PluginRegistry): JsonApiResource {
  const type = registry.types.get(row.type);
  const own = type?.relation ? (row[type.relation] as Record<string, unknown> | null | undefined) : undefined;
  return {
    type: row.type,
    id: String(row.id),
    attributes: {
      uuid: row.uuid,
      name: row.name,
      description: row.description,
      access_modifier: row.access_modifier,
      access_modifier_code: ACCESS_MODIFIER_NUMBER[row.access_modifier],
      tags: row.tags,
      extra_metadata: row.extra_metadata,
      organisation: row.organisation ? { id: row.organisation.id, uuid: row.organisation.uuid, name: row.organisation.name } : null,
      owner: row.owner ? { id: row.owner.id, username: row.owner.username } : null,
      writable,
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
      ...(own && type?.attributes ? type.attributes(own) : {}),
    },
    relationships: {
      organisation: { data: row.organisation_id ? { type: "organisation", id: String(row.organisation_id) } : null },
      owner: { data: row.owner_id ? { type: "user", id: String(row.owner_id) } : null },
    },
    links: { self: `${base}/resources/${row.id}`, ...thumbnailLink(type, row, own, base) },
  };
}

function thumbnailLink(type: AssetTypeDefinition | undefined, row: ResourceRecord, own: Record<string, unknown> | null | undefined, base: string) {
  const path = own && type?.thumbnail ? type.thumbnail({ id: row.id, uuid: row.uuid }, own) : null;
  return path ? { thumbnail: `${base}${path}` } : {};
}

/** The item and list documents of `/resources`, as `serializeResource` renders them (an asset type adds its own attributes). */
export const RESOURCE_DOCUMENTS = jsonApiDocuments(
  "Resource",
  z.string().describe("The asset type's key"),
  z.looseObject({
    uuid: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    access_modifier: z.string(),
    access_modifier_code: z.number().int(),
    tags: z.array(z.string()),
    extra_metadata: z.unknown(),
    organisation: z.object({ id: z.number().int(), uuid: z.string(), name: z.string() }).nullable(),
    owner: z.object({ id: z.number().int(), username: z.string() }).nullable(),
    writable: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  }),
  ["organisation", "owner"],
);
