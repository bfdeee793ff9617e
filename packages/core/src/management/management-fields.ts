import type { ListOptions } from "../query/field-catalog.js";

/** Roles in organisations and groups, weakest first. */
export const ROLES = ["member", "editor", "admin"] as const;

const byId = [{ field: "id", direction: "asc" }] as const;

/** `GET /users` (superusers only). */
export const USER_LIST: ListOptions = {
  fields: {
    id: { type: "integer", path: ["id"] },
    uuid: { type: "uuid", path: ["uuid"] },
    username: { type: "string", path: ["username"], search: true },
    email: { type: "string", path: ["email"], nullable: true, search: true },
    is_superuser: { type: "boolean", path: ["is_superuser"] },
    created_at: { type: "datetime", path: ["created_at"], aliases: ["_created_at"] },
  },
  defaultSort: byId,
};

/** `GET /organisations`. */
export const ORGANISATION_LIST: ListOptions = {
  fields: {
    id: { type: "integer", path: ["id"] },
    uuid: { type: "uuid", path: ["uuid"] },
    name: { type: "string", path: ["name"], search: true },
    created_at: { type: "datetime", path: ["created_at"], aliases: ["_created_at"] },
  },
  defaultSort: byId,
};

/** `GET /groups`. */
export const GROUP_LIST: ListOptions = {
  fields: {
    id: { type: "integer", path: ["id"] },
    name: { type: "string", path: ["name"], search: true },
    "organisation.id": { type: "integer", path: ["organisation_id"], nullable: true },
    "organisation.name": { type: "string", path: ["organisation", "name"] },
    created_at: { type: "datetime", path: ["created_at"], aliases: ["_created_at"] },
  },
  defaultSort: byId,
};

/** `GET /organisations/:id/members` and `GET /groups/:id/members` (both membership tables share these columns). */
export const MEMBER_LIST: ListOptions = {
  fields: {
    "user.id": { type: "integer", path: ["user_id"] },
    "user.username": { type: "string", path: ["user", "username"], search: true },
    role: { type: "enum", path: ["role"], values: ROLES },
  },
  defaultSort: [{ field: "user.id", direction: "asc" }],
};

/** `GET /api-keys`: a caller's own keys (superusers: everyone's). */
export const API_KEY_LIST: ListOptions = {
  fields: {
    id: { type: "integer", path: ["id"] },
    prefix: { type: "string", path: ["prefix"] },
    name: { type: "string", path: ["name"], search: true },
    "user.id": { type: "integer", path: ["user_id"] },
    created_at: { type: "datetime", path: ["created_at"], aliases: ["_created_at"] },
    last_used_at: { type: "datetime", path: ["last_used_at"], nullable: true },
    revoked_at: { type: "datetime", path: ["revoked_at"], nullable: true },
  },
  defaultSort: [{ field: "created_at", direction: "desc" }],
};
