import type { FieldCatalog } from "../query/field-catalog.js";
import { ACCESS_MODIFIERS, normalizeAccessModifier } from "../access/access-modifiers.js";

/** Queryable fields every resource has, whatever its type. */
export const RESOURCE_FIELDS: FieldCatalog = {
  id: { type: "integer", path: ["id"] },
  uuid: { type: "uuid", path: ["uuid"] },
  type: { type: "string", path: ["type"] },
  name: { type: "string", path: ["name"], search: true },
  description: { type: "string", path: ["description"], search: true },
  access_modifier: { type: "enum", path: ["access_modifier"], values: ACCESS_MODIFIERS, normalize: normalizeAccessModifier },
  tags: { type: "string[]", path: ["tags"] },
  created_at: { type: "datetime", path: ["created_at"], aliases: ["_created_at", "created"] },
  updated_at: { type: "datetime", path: ["updated_at"], aliases: ["_updated_at", "last_modified"] },
  "organisation.id": { type: "integer", path: ["organisation_id"], nullable: true },
  "organisation.uuid": { type: "uuid", path: ["organisation", "uuid"] },
  "organisation.name": { type: "string", path: ["organisation", "name"] },
  "owner.username": { type: "string", path: ["owner", "username"] },
};
