import type { Role } from "../generated/prisma/client.js";

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
}

/** The caller without credentials. */
export interface AnonymousPrincipal {
  kind: "anonymous";
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
