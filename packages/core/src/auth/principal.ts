import type { Role } from "../generated/prisma/client.js";
import type { ResourceAction } from "./ability.js";

/**
 * The resources the caller's explicit grants (to them, their groups, or anyone)
 * reach, per action, read once when the request is authenticated. An action
 * that is missing was not resolved (too many grants, or no resolution at all):
 * the ability then asks the grants table inside the query instead.
 */
export type ResolvedGrants = Partial<Record<ResourceAction, readonly number[]>>;

/** An organisation the caller belongs to, with their role in it. */
export interface OrganisationRole {
  organisationId: number;
  role: Role;
}

/** A signed-in caller. */
export interface UserPrincipal {
  kind: "user";
  id: number;
  username: string;
  isSuperuser: boolean;
  organisations: OrganisationRole[];
  groupIds: number[];
  /** Key scopes; `read` limits the caller to view/download whatever their roles allow. */
  scopes: string[];
  /** Grants resolved for this request (see {@link ResolvedGrants}); absent: the query checks the grants table. */
  grants?: ResolvedGrants;
}

/** The caller without credentials. */
export interface AnonymousPrincipal {
  kind: "anonymous";
  /** Grants to anyone, resolved for this request; absent: the query checks the grants table. */
  grants?: ResolvedGrants;
}

/** Who is calling. */
export type Principal = UserPrincipal | AnonymousPrincipal;

export const ANONYMOUS: AnonymousPrincipal = { kind: "anonymous" };

/** True when the principal holds `role` or a stronger one in the organisation. */
export function hasOrgRole(principal: Principal, organisationId: number | null, role: Role): boolean {
  if (principal.kind !== "user" || organisationId === null) return false;
  const rank: Record<Role, number> = { member: 0, editor: 1, admin: 2 };
  return principal.organisations.some((m) => m.organisationId === organisationId && rank[m.role] >= rank[role]);
}
