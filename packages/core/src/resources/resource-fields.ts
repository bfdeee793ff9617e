import type { FieldCatalog } from "../query/field-catalog.js";

export const ACCESS_MODIFIERS = ["Public", "Common", "Private", "Hidden"] as const;
export type AccessModifierName = (typeof ACCESS_MODIFIERS)[number];

const BY_NUMBER: Record<string, AccessModifierName> = { "0": "Public", "100": "Common", "200": "Private", "300": "Hidden" };
const BY_LOWER = Object.fromEntries(ACCESS_MODIFIERS.map((name) => [name.toLowerCase(), name])) as Record<string, AccessModifierName>;

/** Accepts an access modifier by name (any case) or by Lizard's number. */
export function normalizeAccessModifier(raw: string): string {
  return BY_NUMBER[raw.trim()] ?? BY_LOWER[raw.trim().toLowerCase()] ?? raw;
}

/** Lizard's number of an access modifier. */
export const ACCESS_MODIFIER_NUMBER: Record<AccessModifierName, number> = { Public: 0, Common: 100, Private: 200, Hidden: 300 };

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
