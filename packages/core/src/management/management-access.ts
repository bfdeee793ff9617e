import { isUniqueViolation } from "../db/errors.js";
import type { UserPrincipal } from "../auth/principal.js";
import { hasOrgRole } from "../auth/principal.js";
import { Errors } from "../errors/index.js";
import { parseRowId } from "../query/parse-value.js";
import type { ServiceContext } from "../services/service-context.js";

/**
 * Who may manage what. Management has no CASL subjects: the rules are few and
 * depend on roles that live in rows (group admins), so they are plain checks.
 * Anonymous callers get 401, signed-in callers without the right 403, and a
 * read-scoped key can read but never write (it must not mint a full key).
 */

/** The signed-in caller, or 401. */
export function requireUser(ctx: ServiceContext): UserPrincipal {
  if (ctx.principal.kind !== "user") throw Errors.UNAUTHENTICATED({ detail: "Sign in to use the management API" });
  return ctx.principal;
}

/** The signed-in caller whose key may write, or 401/403. */
export function requireWriter(ctx: ServiceContext): UserPrincipal {
  const user = requireUser(ctx);
  if (user.scopes.includes("read")) throw Errors.FORBIDDEN({ detail: "This API key is read-only" });
  return user;
}

/** True for a superuser (whatever the key's scope). */
export function isSuperuser(ctx: ServiceContext): boolean {
  return ctx.principal.kind === "user" && ctx.principal.isSuperuser;
}

/** The caller if they are a superuser, else 401/403. */
export function requireSuperuser(ctx: ServiceContext, write: boolean): UserPrincipal {
  const user = write ? requireWriter(ctx) : requireUser(ctx);
  if (!user.isSuperuser) throw Errors.FORBIDDEN({ detail: "Only superusers may do this" });
  return user;
}

/** Superusers and the organisation's admins may manage it. */
export function requireOrganisationAdmin(ctx: ServiceContext, organisationId: number, write: boolean): UserPrincipal {
  const user = write ? requireWriter(ctx) : requireUser(ctx);
  if (!user.isSuperuser && !hasOrgRole(user, organisationId, "admin")) throw Errors.FORBIDDEN({ detail: "Only superusers and organisation admins may do this" });
  return user;
}

/** Superusers, the group's admins and admins of the group's organisation may manage a group. */
export async function requireGroupAdmin(ctx: ServiceContext, group: { id: number; organisation_id: number | null }, write: boolean): Promise<UserPrincipal> {
  const user = write ? requireWriter(ctx) : requireUser(ctx);
  if (user.isSuperuser || hasOrgRole(user, group.organisation_id, "admin")) return user;
  const membership = await ctx.db.groupMembership.findUnique({ where: { user_id_group_id: { user_id: user.id, group_id: group.id } } });
  if (membership?.role !== "admin") throw Errors.FORBIDDEN({ detail: "Only superusers and group admins may do this" });
  return user;
}

/** Parses a numeric path id; anything else cannot exist (404). */
export function numericId(raw: string, what: string): number {
  const id = parseRowId(raw);
  if (id === null) throw Errors.NOT_FOUND({ detail: `${what} '${raw}' not found` });
  return id;
}

/** Runs a write, turning a unique-constraint violation into a 409 with `detail`. */
export async function uniquely<T>(write: Promise<T>, detail: string, pointer: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (isUniqueViolation(error)) throw Errors.CONFLICT({ detail, source: { pointer } });
    throw error;
  }
}
