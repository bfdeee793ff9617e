import type { Request } from "express";
import type { Db } from "../db/open-database.js";
import { Errors } from "../errors/index.js";
import { Prisma } from "../generated/prisma/client.js";
import { grantableActions, type ResourceAction } from "./ability.js";
import type { PrincipalCache } from "./principal-cache.js";
import { apiKeyPrincipal, loadPrincipal } from "./principal-loader.js";
import { ANONYMOUS, type Principal, type ResolvedGrants } from "./principal.js";

export { loadPrincipal } from "./principal-loader.js";

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
 * as `id IN (...)`. One query, at most MAX_RESOLVED_GRANTS + 1 ids per action;
 * an action with more stays unresolved and its queries check the grants table.
 * This is a snapshot: resolve it per request and never keep it longer, so a
 * perm_spec change shows in the next request. Superusers need no grants.
 */
export async function resolveGrants(db: Db, principal: Principal): Promise<Principal> {
  if (principal.kind === "user" && principal.isSuperuser) return principal;
  const actions = grantableActions(principal);
  // One row per action with its ids as an array: Prisma decodes raw results cell by cell, so ~100 rows cost more than 7.
  const rows = await db.$queryRaw<{ permission: string; ids: number[] }[]>`
    SELECT a.permission, ARRAY(
      SELECT g.resource_id FROM "PermissionGrant" g
      WHERE g.permission = a.permission AND ${granteeSql(principal)}
      LIMIT ${MAX_RESOLVED_GRANTS + 1}
    ) AS ids
    FROM (VALUES ${Prisma.join(actions.map((action) => Prisma.sql`(${action})`))}) AS a(permission)`;
  const grants: ResolvedGrants = {};
  for (const row of rows) {
    // More rows than the cap (duplicates count too, as grants to the user, a group and anyone may overlap): unresolved.
    if (row.ids.length <= MAX_RESOLVED_GRANTS) grants[row.permission as ResourceAction] = [...new Set(row.ids.map(Number))].sort((a, b) => a - b);
  }
  return { ...principal, grants };
}

/**
 * Resolves the caller: the host's own authentication first, then an API key.
 * No credentials means anonymous; bad or revoked credentials are a 401, never
 * a silent downgrade to anonymous. The principal carries its grants as of now
 * ({@link resolveGrants}). With a `cache`, a key verified a moment ago is not
 * looked up again (see {@link PrincipalCache}); its grants still are.
 */
export async function authenticateRequest(db: Db, req: Request, host?: HostAuthenticate, cache?: PrincipalCache): Promise<Principal> {
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
  const principal = cache ? await cache.get(key, () => apiKeyPrincipal(db, key)) : await apiKeyPrincipal(db, key);
  if (!principal) throw Errors.UNAUTHENTICATED({ detail: "Invalid or revoked API key" });
  return resolveGrants(db, principal);
}
