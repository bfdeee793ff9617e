import type { z } from "zod";
import { changingPrincipals } from "../auth/principal-cache.js";
import { Errors } from "../errors/index.js";
import type { User } from "../generated/prisma/client.js";
import { listPage, type ListPage } from "../query/list-page.js";
import type { ListQuery } from "../query/types.js";
import type { ServiceContext } from "../services/service-context.js";
import { numericId, requireSuperuser, requireUser, uniquely } from "./management-access.js";
import { USER_LIST } from "./management-fields.js";
import type { userCreate, userPatch } from "./management-input.js";
import type { UserWithRoles } from "./management-serializers.js";

const WITH_ROLES = {
  memberships: { include: { organisation: { select: { id: true, name: true } } }, orderBy: { organisation_id: "asc" } },
  group_members: { include: { group: { select: { id: true, name: true } } }, orderBy: { group_id: "asc" } },
} as const;

/** Accounts: superusers list, create and update them; everyone signed in reads themselves. */
export class UserService {
  async list(ctx: ServiceContext, query: ListQuery): Promise<ListPage<User>> {
    requireSuperuser(ctx, false);
    return listPage(ctx.db.user, query, USER_LIST);
  }

  /** The caller, with their organisation and group roles. */
  async me(ctx: ServiceContext): Promise<UserWithRoles> {
    const principal = requireUser(ctx);
    const user = await ctx.db.user.findUnique({ where: { id: principal.id }, include: WITH_ROLES });
    if (!user) throw Errors.UNAUTHENTICATED({ detail: "The signed-in user no longer exists" });
    return user;
  }

  /** Superusers read anyone; others only themselves (anyone else is a 404). */
  async get(ctx: ServiceContext, rawId: string): Promise<UserWithRoles> {
    const principal = requireUser(ctx);
    const id = numericId(rawId, "User");
    const user = principal.isSuperuser || principal.id === id ? await ctx.db.user.findUnique({ where: { id }, include: WITH_ROLES }) : null;
    if (!user) throw Errors.NOT_FOUND({ detail: `User '${rawId}' not found` });
    return user;
  }

  async create(ctx: ServiceContext, input: z.infer<typeof userCreate>): Promise<User> {
    requireSuperuser(ctx, true);
    const data = { username: input.username, email: input.email ?? null, is_superuser: input.is_superuser ?? false };
    return uniquely(ctx.db.user.create({ data }), `Username '${input.username}' is taken`, "/data/attributes/username");
  }

  async update(ctx: ServiceContext, rawId: string, patch: z.infer<typeof userPatch>): Promise<User> {
    const principal = requireSuperuser(ctx, true);
    const id = numericId(rawId, "User");
    if (id === principal.id && patch.is_superuser === false) {
      throw Errors.CONFLICT({ detail: "You cannot remove your own superuser status", source: { pointer: "/data/attributes/is_superuser" } });
    }
    const existing = await ctx.db.user.findUnique({ where: { id } });
    if (!existing) throw Errors.NOT_FOUND({ detail: `User '${rawId}' not found` });
    return changingPrincipals(uniquely(ctx.db.user.update({ where: { id }, data: patch }), `Username '${patch.username}' is taken`, "/data/attributes/username"));
  }
}
