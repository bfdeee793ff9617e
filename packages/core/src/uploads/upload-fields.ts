import type { FieldCatalog } from "../query/field-catalog.js";
import { ACCESS_MODIFIERS, normalizeAccessModifier } from "../access/access-modifiers.js";

export const UPLOAD_STATES = ["requested", "received", "processing", "committed", "rejected", "retry"] as const;

/** Queryable fields of uploads. */
export const UPLOAD_FIELDS: FieldCatalog = {
  id: { type: "integer", path: ["id"] },
  uuid: { type: "uuid", path: ["uuid"] },
  filename: { type: "string", path: ["filename"], search: true },
  mime_type: { type: "string", path: ["mime_type"], nullable: true },
  type: { type: "string", path: ["type"], nullable: true },
  size: { type: "bigint", path: ["size"], nullable: true },
  md5: { type: "string", path: ["md5"], nullable: true },
  sha256: { type: "string", path: ["sha256"], nullable: true },
  state: { type: "enum", path: ["state"], values: UPLOAD_STATES },
  state_detail: { type: "string", path: ["state_detail"] },
  attempts: { type: "integer", path: ["attempts"] },
  created_at: { type: "datetime", path: ["created_at"], aliases: ["_created_at"] },
  updated_at: { type: "datetime", path: ["updated_at"], aliases: ["_updated_at"] },
  expires_at: { type: "datetime", path: ["expires_at"], nullable: true },
  "resource.id": { type: "integer", path: ["resource_id"], nullable: true },
  "resource.uuid": { type: "uuid", path: ["resource", "uuid"] },
  // The committed resource's tags and access, so a client can list uploads (in any state) with the
  // same filters as the resources they became (the studio's grid by pipeline state).
  "resource.tags": { type: "string[]", path: ["resource", "tags"] },
  "resource.access_modifier": { type: "enum", path: ["resource", "access_modifier"], values: ACCESS_MODIFIERS, normalize: normalizeAccessModifier },
  "uploader.username": { type: "string", path: ["uploader", "username"] },
};
