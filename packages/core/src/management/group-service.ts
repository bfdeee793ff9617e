import type { z } from "zod";
import { changingPrincipals } from "../auth/principal-cache.js";
import { Errors } from "../errors/index.js";
import type { Group, Role } from "../generated/prisma/client.js";
import { listPage, type ListPage } from "../query/list-page.js";
import type { ListQuery } from "../query/types.js";
import type { ServiceContext } from "../services/service-context.js";
import { numericId, requireGroupAdmin, requireOrganisationAdmin, requireSuperuser, requireUser, uniquely } from "./management-access.js";
import { GROUP_LIST, MEMBER_LIST } from "./management-fields.js";
import type { groupCreate, groupPatch, memberCreate } from "./management-input.js";
import type { MemberRow } from "./management-serializers.js";
import { resolveMemberUser } from "./member-input.js";

const WITH_USERNAME = { user: { select: { username: true } } } as const;

/**
 * Groups (the subjects of group grants) and their members. Anyone signed in
 * may list groups, since perm_specs name them; superusers create groups
 * anywhere and organisation admins inside their organisation; superusers,
 * group admins and admins of the group's organisation rename, delete and
 * manage members.
 */
export class GroupService {
  async list(ctx: ServiceContext, query: ListQuery): Promise<ListPage<Group>> {
    requireUser(ctx);
    return listPage(ctx.db.group, query, GROUP_LIST);
  }

  async get(ctx: ServiceContext, rawId: string): Promise<Group> {
    requireUser(ctx);
    const group = await ctx.db.group.findUnique({ where: { id: numericId(rawId, "Group") } });
    if (!group) throw Errors.NOT_FOUND({ detail: `Group '${rawId}' not found` });
    return group;
  }

  async create(ctx: ServiceContext, input: z.infer<typeof groupCreate>): Promise<Group> {
    const organisationId = input.organisation_id ?? null;
    if (organisationId === null) requireSuperuser(ctx, true);
    else requireOrganisationAdmin(ctx, organisationId, true);
    if (organisationId !== null && !(await ctx.db.organisation.findUnique({ where: { id: organisationId } }))) {
      throw Errors.INVALID_BODY({ detail: `Unknown organisation ${organisationId}`, source: { pointer: "/data/attributes/organisation_id" } });
    }
    return uniquely(ctx.db.group.create({ data: { name: input.name, organisation_id: organisationId } }), `Group '${input.name}' exists`, "/data/attributes/name");
  }

  async update(ctx: ServiceContext, rawId: string, input: z.infer<typeof groupPatch>): Promise<Group> {
    const group = await this.get(ctx, rawId);
    await requireGroupAdmin(ctx, group, true);
    return uniquely(ctx.db.group.update({ where: { id: group.id }, data: { name: input.name } }), `Group '${input.name}' exists`, "/data/attributes/name");
  }

  /** Deleting a group also drops its memberships and grants (cascade). */
  async delete(ctx: ServiceContext, rawId: string): Promise<void> {
    const group = await this.get(ctx, rawId);
    await requireGroupAdmin(ctx, group, true);
    await changingPrincipals(ctx.db.group.delete({ where: { id: group.id } }));
  }

  async members(ctx: ServiceContext, rawId: string, query: ListQuery): Promise<{ parent: Group; rows: MemberRow[]; total: number }> {
    const group = await this.get(ctx, rawId);
    await requireGroupAdmin(ctx, group, false);
    const page = await listPage(ctx.db.groupMembership, query, { ...MEMBER_LIST, tieBreaker: "user_id", where: [{ group_id: group.id }], include: WITH_USERNAME });
    return { parent: group, ...page };
  }

  async addMember(ctx: ServiceContext, rawId: string, input: z.infer<typeof memberCreate>): Promise<MemberRow> {
    const group = await this.get(ctx, rawId);
    await requireGroupAdmin(ctx, group, true);
    const user = await resolveMemberUser(ctx.db, input);
    const create = ctx.db.groupMembership.create({ data: { group_id: group.id, user_id: user.id, role: input.role ?? "member" }, include: WITH_USERNAME });
    return changingPrincipals(uniquely(create, `User '${user.username}' is already a member`, "/data/attributes/user_id"));
  }

  async setRole(ctx: ServiceContext, rawId: string, rawUserId: string, role: Role): Promise<MemberRow> {
    const { group, userId } = await this.member(ctx, rawId, rawUserId);
    return changingPrincipals(ctx.db.groupMembership.update({ where: { user_id_group_id: { user_id: userId, group_id: group.id } }, data: { role }, include: WITH_USERNAME }));
  }

  async removeMember(ctx: ServiceContext, rawId: string, rawUserId: string): Promise<void> {
    const { group, userId } = await this.member(ctx, rawId, rawUserId);
    await changingPrincipals(ctx.db.groupMembership.delete({ where: { user_id_group_id: { user_id: userId, group_id: group.id } } }));
  }

  private async member(ctx: ServiceContext, rawId: string, rawUserId: string) {
    const group = await this.get(ctx, rawId);
    await requireGroupAdmin(ctx, group, true);
    const userId = numericId(rawUserId, "Member");
    const member = await ctx.db.groupMembership.findUnique({ where: { user_id_group_id: { user_id: userId, group_id: group.id } } });
    if (!member) throw Errors.NOT_FOUND({ detail: `User '${rawUserId}' is not a member of group '${group.name}'` });
    return { group, userId };
  }
}
