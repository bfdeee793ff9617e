import type { Request } from "express";
import type { Db } from "../db/open-database.js";
import { Errors } from "../errors/index.js";
import { Prisma } from "../generated/prisma/client.js";
import { grantableActions, type ResourceAction } from "./ability.js";
import { verifyApiKey } from "./api-keys.js";
import { ANONYMOUS, type Principal, type ResolvedGrants } from "./principal.js";

/**
 * A host application's own authentication: return the signed-in user (by id
 * or username), or null to fall back to API keys and then anonymous access.
 */
export type HostAuthenticate = (req: Request) => Promise<HostIdentity | null> | HostIdentity | null;
export type HostIdentity = { userId: number } | { username: string };

/** The API key a request presents, from any of the accepted places. */
export function presentedKey(req: Request): string | null {
  const header = req.get("x-api-key");
  if (header) return header.trim();
  const authorization = req.get("authorization");
  if (!authorization) return null;
  const [scheme, value = ""] = authorization.trim().split(/\s+/, 2);
  switch (scheme?.toLowerCase()) {
    case "bearer":
    case "api-key":
    case "token":
      return value;
    case "basic": {
      // Lizard's form: username `__key__`, the key as password.
      const decoded = Buffer.from(value, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      if (colon < 0 || decoded.slice(0, colon) !== "__key__") {
        throw Errors.UNAUTHENTICATED({ detail: "Basic authentication takes the username __key__ and an API key as password" });
      }
      return decoded.slice(colon + 1);
    }
    default:
      throw Errors.UNAUTHENTICATED({ detail: `Unsupported authorization scheme '${scheme}'` });
  }
}

/** Loads a user with their organisation roles and groups as a principal. */
export async function loadPrincipal(db: Db, where: { id: number } | { username: string }, scopes: string[] = []): Promise<Principal | null> {
  const user = await db.user.findUnique({
    where,
    include: { memberships: true, group_members: { select: { group_id: true } } },
  });
  if (!user) return null;
  return {
    kind: "user",
    id: user.id,
    username: user.username,
    isSuperuser: user.is_superuser,
    organisations: user.memberships.map((m) => ({ organisationId: m.organisation_id, role: m.role })),
    groupIds: user.group_members.map((g) => g.group_id),
    scopes,
  };
}

/**
 * Beyond this many resources for one action, the caller's grants for it stay a subquery instead of
 * an `id IN (...)` list. Prisma spends ~20 µs per list element per query, so a long list costs more
 * than the BitmapOr it enables saves (bench/list-permissions.ts, BENCHMARKS.md).
 */
export const MAX_RESOLVED_GRANTS = 100;

/** The grants that reach the caller, as SQL; the same subjects as `granteeFilter` (ability.ts). */
function granteeSql(principal: Principal): Prisma.Sql {
  if (principal.kind === "anonymous") return Prisma.sql`g.subject_type = 'anonymous'`;
  const groups = principal.groupIds.length > 0 ? Prisma.sql` OR (g.subject_type = 'group' AND g.group_id IN (${Prisma.join(principal.groupIds)}))` : Prisma.empty;
  return Prisma.sql`(g.subject_type = 'anonymous' OR (g.subject_type = 'user' AND g.user_id = ${principal.id})${groups})`;
}

/**
 * Reads which resources the caller's explicit grants reach, per action, and
 * returns the principal with them (`grants`), so the ability can write grants
 * as `id IN (...)`. One query, at most MAX_RESOLVED_GRANTS + 1 rows per action;
 * an action with more stays unresolved and its queries check the grants table.
 * This is a snapshot: resolve it per request and never keep it longer, so a
 * perm_spec change shows in the next request. Superusers need no grants.
 */
export async function resolveGrants(db: Db, principal: Principal): Promise<Principal> {
  if (principal.kind === "user" && principal.isSuperuser) return principal;
  const actions = grantableActions(principal);
  const rows = await db.$queryRaw<{ permission: string; resource_id: number }[]>`
    SELECT a.permission, r.resource_id
    FROM (VALUES ${Prisma.join(actions.map((action) => Prisma.sql`(${action})`))}) AS a(permission)
    CROSS JOIN LATERAL (
      SELECT g.resource_id FROM "PermissionGrant" g
      WHERE g.permission = a.permission AND ${granteeSql(principal)}
      LIMIT ${MAX_RESOLVED_GRANTS + 1}
    ) r`;
  const ids = new Map<string, Set<number>>(actions.map((a) => [a, new Set()]));
  const rowsPerAction = new Map<string, number>();
  for (const row of rows) {
    ids.get(row.permission)?.add(row.resource_id);
    rowsPerAction.set(row.permission, (rowsPerAction.get(row.permission) ?? 0) + 1);
  }
  const grants: ResolvedGrants = {};
  for (const [action, set] of ids) {
    if ((rowsPerAction.get(action) ?? 0) <= MAX_RESOLVED_GRANTS) grants[action as ResourceAction] = [...set].sort((a, b) => a - b);
  }
  return { ...principal, grants };
}

/**
 * Resolves the caller: the host's own authentication first, then an API key.
 * No credentials means anonymous; bad or revoked credentials are a 401, never
 * a silent downgrade to anonymous. The principal carries its grants as of now
 * ({@link resolveGrants}).
 */
export async function authenticateRequest(db: Db, req: Request, host?: HostAuthenticate): Promise<Principal> {
  if (host) {
    const identity = await host(req);
    if (identity) {
      const principal = await loadPrincipal(db, "userId" in identity ? { id: identity.userId } : { username: identity.username });
      if (!principal) throw Errors.UNAUTHENTICATED({ detail: "The signed-in user is unknown here" });
      return resolveGrants(db, principal);
    }
  }
  const key = presentedKey(req);
  if (key === null) return resolveGrants(db, ANONYMOUS);
  const row = await verifyApiKey(db, key);
  if (!row) throw Errors.UNAUTHENTICATED({ detail: "Invalid or revoked API key" });
  const principal = await loadPrincipal(db, { id: row.user_id }, row.scopes);
  if (!principal) throw Errors.UNAUTHENTICATED({ detail: "The key's user no longer exists" });
  return resolveGrants(db, principal);
}
