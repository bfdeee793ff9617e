import type { z } from "zod";
import { changingPrincipals } from "../auth/principal-cache.js";
import { Errors } from "../errors/index.js";
import type { Organisation, Role } from "../generated/prisma/client.js";
import { listPage, type ListPage } from "../query/list-page.js";
import type { ListQuery } from "../query/types.js";
import type { ServiceContext } from "../services/service-context.js";
import { numericId, requireOrganisationAdmin, requireSuperuser, requireUser, uniquely } from "./management-access.js";
import { MEMBER_LIST, ORGANISATION_LIST } from "./management-fields.js";
import type { memberCreate, organisationInput } from "./management-input.js";
import type { MemberRow } from "./management-serializers.js";
import { resolveMemberUser } from "./member-input.js";

/**
 * Organisations and their members. Anyone signed in may list organisations
 * (their names are on every resource); superusers create and delete them;
 * superusers and the organisation's admins rename it and manage members.
 * The last admin cannot be removed or demoted, so an organisation is never
 * left without one.
 */
export class OrganisationService {
  async list(ctx: ServiceContext, query: ListQuery): Promise<ListPage<Organisation>> {
    requireUser(ctx);
    return listPage(ctx.db.organisation, query, ORGANISATION_LIST);
  }

  async get(ctx: ServiceContext, rawId: string): Promise<Organisation> {
    requireUser(ctx);
    const org = await ctx.db.organisation.findUnique({ where: { id: numericId(rawId, "Organisation") } });
    if (!org) throw Errors.NOT_FOUND({ detail: `Organisation '${rawId}' not found` });
    return org;
  }

  async create(ctx: ServiceContext, input: z.infer<typeof organisationInput>): Promise<Organisation> {
    requireSuperuser(ctx, true);
    return uniquely(ctx.db.organisation.create({ data: { name: input.name } }), `Organisation '${input.name}' exists`, "/data/attributes/name");
  }

  async update(ctx: ServiceContext, rawId: string, input: z.infer<typeof organisationInput>): Promise<Organisation> {
    const org = await this.get(ctx, rawId);
    requireOrganisationAdmin(ctx, org.id, true);
    return uniquely(ctx.db.organisation.update({ where: { id: org.id }, data: { name: input.name } }), `Organisation '${input.name}' exists`, "/data/attributes/name");
  }

  async delete(ctx: ServiceContext, rawId: string): Promise<void> {
    const org = await this.get(ctx, rawId);
    requireSuperuser(ctx, true);
    await changingPrincipals(ctx.db.organisation.delete({ where: { id: org.id } }));
  }

  async members(ctx: ServiceContext, rawId: string, query: ListQuery): Promise<{ parent: Organisation; rows: MemberRow[]; total: number }> {
    const organisation = await this.get(ctx, rawId);
    requireOrganisationAdmin(ctx, organisation.id, false);
    const page = await listPage(ctx.db.organisationMembership, query, { ...MEMBER_LIST, tieBreaker: "user_id", where: [{ organisation_id: organisation.id }], include: { user: { select: { username: true } } } });
    return { parent: organisation, ...page };
  }

  async addMember(ctx: ServiceContext, rawId: string, input: z.infer<typeof memberCreate>): Promise<MemberRow> {
    const org = await this.get(ctx, rawId);
    requireOrganisationAdmin(ctx, org.id, true);
    const user = await resolveMemberUser(ctx.db, input);
    const create = ctx.db.organisationMembership.create({
      data: { organisation_id: org.id, user_id: user.id, role: input.role ?? "member" },
      include: { user: { select: { username: true } } },
    });
    return changingPrincipals(uniquely(create, `User '${user.username}' is already a member`, "/data/attributes/user_id"));
  }

  async setRole(ctx: ServiceContext, rawId: string, rawUserId: string, role: Role): Promise<MemberRow> {
    const { org, member } = await this.member(ctx, rawId, rawUserId);
    if (member.role === "admin" && role !== "admin") await this.keepAnAdmin(ctx, org.id);
    return changingPrincipals(
      ctx.db.organisationMembership.update({
        where: { user_id_organisation_id: { user_id: member.user_id, organisation_id: org.id } },
        data: { role },
        include: { user: { select: { username: true } } },
      }),
    );
  }

  async removeMember(ctx: ServiceContext, rawId: string, rawUserId: string): Promise<void> {
    const { org, member } = await this.member(ctx, rawId, rawUserId);
    if (member.role === "admin") await this.keepAnAdmin(ctx, org.id);
    await changingPrincipals(ctx.db.organisationMembership.delete({ where: { user_id_organisation_id: { user_id: member.user_id, organisation_id: org.id } } }));
  }

  private async member(ctx: ServiceContext, rawId: string, rawUserId: string) {
    const org = await this.get(ctx, rawId);
    requireOrganisationAdmin(ctx, org.id, true);
    const userId = numericId(rawUserId, "Member");
    const member = await ctx.db.organisationMembership.findUnique({ where: { user_id_organisation_id: { user_id: userId, organisation_id: org.id } } });
    if (!member) throw Errors.NOT_FOUND({ detail: `User '${rawUserId}' is not a member of organisation '${org.name}'` });
    return { org, member };
  }

  private async keepAnAdmin(ctx: ServiceContext, organisationId: number): Promise<void> {
    const admins = await ctx.db.organisationMembership.count({ where: { organisation_id: organisationId, role: "admin" } });
    if (admins <= 1) throw Errors.CONFLICT({ detail: "An organisation keeps at least one admin; make someone else admin first" });
  }
}
