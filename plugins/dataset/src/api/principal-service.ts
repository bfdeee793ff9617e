import { Errors, type Prisma, type ServiceContext } from "@assets/core";
import type { FacetPage, FacetQuery } from "./catalog-service.js";

/** A user row as `/users` renders it. */
export interface UserRow {
  id: number;
  username: string;
  is_superuser: boolean;
}

/** A group row as `/groups` renders it. */
export interface GroupRow {
  id: number;
  name: string;
  organisation: { name: string } | null;
}

/**
 * GeoNode's `/users` and `/groups` over the core's principals (signed-in
 * callers only, as GeoNode's IsAuthenticated): a superuser sees every user
 * and group; anyone else themselves, the members of their groups and
 * organisations, and the groups they belong to (GeoNode's
 * get_available_users / get_user_visible_groups, without public groups,
 * which the core does not have). Anything else is a 404.
 */
export class PrincipalService {
  async users(ctx: ServiceContext, query: FacetQuery, id?: number): Promise<FacetPage<UserRow>> {
    const where: Prisma.UserWhereInput = {
      AND: [this.visibleUsers(ctx), id !== undefined ? { id } : {}, query.search ? { username: { contains: query.search, mode: "insensitive" } } : {}],
    };
    const [rows, total] = await Promise.all([
      ctx.db.user.findMany({ where, orderBy: { username: "asc" }, skip: query.offset, take: query.limit, select: { id: true, username: true, is_superuser: true } }),
      ctx.db.user.count({ where }),
    ]);
    return { rows, total };
  }

  async groups(ctx: ServiceContext, query: FacetQuery, id?: number): Promise<FacetPage<GroupRow>> {
    const where: Prisma.GroupWhereInput = {
      AND: [this.visibleGroups(ctx), id !== undefined ? { id } : {}, query.search ? { name: { contains: query.search, mode: "insensitive" } } : {}],
    };
    const [rows, total] = await Promise.all([
      ctx.db.group.findMany({ where, orderBy: { name: "asc" }, skip: query.offset, take: query.limit, select: { id: true, name: true, organisation: { select: { name: true } } } }),
      ctx.db.group.count({ where }),
    ]);
    return { rows, total };
  }

  private userId(ctx: ServiceContext): number {
    if (ctx.principal.kind !== "user") throw Errors.UNAUTHENTICATED({ detail: "Authentication credentials were not provided." });
    return ctx.principal.id;
  }

  private visibleUsers(ctx: ServiceContext): Prisma.UserWhereInput {
    const me = this.userId(ctx);
    if (ctx.principal.kind === "user" && ctx.principal.isSuperuser) return {};
    return {
      OR: [
        { id: me },
        { group_members: { some: { group: { members: { some: { user_id: me } } } } } },
        { memberships: { some: { organisation: { memberships: { some: { user_id: me } } } } } },
      ],
    };
  }

  private visibleGroups(ctx: ServiceContext): Prisma.GroupWhereInput {
    const me = this.userId(ctx);
    if (ctx.principal.kind === "user" && ctx.principal.isSuperuser) return {};
    return { members: { some: { user_id: me } } };
  }
}
