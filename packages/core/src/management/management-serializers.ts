import type { ApiKey, Group, Organisation, Role, User } from "../generated/prisma/client.js";
import type { JsonApiResource } from "../http/jsonapi.js";

/** A user with their organisation and group roles, as `/users/me` shows it. */
export type UserWithRoles = User & {
  memberships: { role: Role; organisation: { id: number; name: string } }[];
  group_members: { role: Role; group: { id: number; name: string } }[];
};

/** Renders a user; roles are included when loaded (`/users/me`). */
export function serializeUser(user: User | UserWithRoles, base: string): JsonApiResource {
  const roles =
    "memberships" in user
      ? {
          organisations: user.memberships.map((m) => ({ id: m.organisation.id, name: m.organisation.name, role: m.role })),
          groups: user.group_members.map((m) => ({ id: m.group.id, name: m.group.name, role: m.role })),
        }
      : {};
  return {
    type: "user",
    id: String(user.id),
    attributes: { uuid: user.uuid, username: user.username, email: user.email, is_superuser: user.is_superuser, created_at: user.created_at.toISOString(), ...roles },
    links: { self: `${base}/users/${user.id}` },
  };
}

/** Renders an organisation. */
export function serializeOrganisation(org: Organisation, base: string): JsonApiResource {
  return {
    type: "organisation",
    id: String(org.id),
    attributes: { uuid: org.uuid, name: org.name, created_at: org.created_at.toISOString() },
    links: { self: `${base}/organisations/${org.id}` },
  };
}

/** Renders a group; its organisation, if any, is a relationship. */
export function serializeGroup(group: Group, base: string): JsonApiResource {
  return {
    type: "group",
    id: String(group.id),
    attributes: { name: group.name, organisation_id: group.organisation_id, created_at: group.created_at.toISOString() },
    relationships: { organisation: { data: group.organisation_id ? { type: "organisation", id: String(group.organisation_id) } : null } },
    links: { self: `${base}/groups/${group.id}` },
  };
}

/** A membership row of either table, with the member's username. */
export interface MemberRow {
  user_id: number;
  role: Role;
  user: { username: string };
}

/** Renders a member of an organisation or group; the id is the user's id within that parent. */
export function serializeMember(row: MemberRow, parent: { type: "organisation" | "group"; id: number }, base: string): JsonApiResource {
  const collection = parent.type === "organisation" ? "organisations" : "groups";
  return {
    type: `${parent.type}_membership`,
    id: String(row.user_id),
    attributes: { user_id: row.user_id, username: row.user.username, role: row.role },
    relationships: { user: { data: { type: "user", id: String(row.user_id) } }, [parent.type]: { data: { type: parent.type, id: String(parent.id) } } },
    links: { self: `${base}/${collection}/${parent.id}/members/${row.user_id}` },
  };
}

/** Renders an API key without its secret; `key` is added only in the response that creates it. */
export function serializeApiKey(key: ApiKey, base: string, fullKey?: string): JsonApiResource {
  return {
    type: "api_key",
    id: String(key.id),
    attributes: {
      prefix: key.prefix,
      name: key.name,
      scopes: key.scopes,
      created_at: key.created_at.toISOString(),
      last_used_at: key.last_used_at?.toISOString() ?? null,
      revoked_at: key.revoked_at?.toISOString() ?? null,
      ...(fullKey !== undefined && { key: fullKey }),
    },
    relationships: { user: { data: { type: "user", id: String(key.user_id) } } },
    links: { self: `${base}/api-keys/${key.id}` },
  };
}
