import { RESOURCE_ACTIONS, type ResourceAction } from "../access/ability.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { ResourceService } from "../resources/resource-service.js";
import type { ServiceContext } from "../services/service-context.js";
import { parsePermSpec } from "./parse-perm-spec.js";
import { mergeSubjects, type SubjectActions } from "./perm-spec.js";
import { resolveSubjects } from "./resolve-subjects.js";

/** A resource's effective perm_spec: the owner (all actions) followed by the explicit grants. */
export interface EffectivePermissions {
  resourceId: number;
  ownerId: number | null;
  entries: SubjectActions[];
}

type GrantRow = Prisma.PermissionGrantCreateManyInput;

function toRows(resourceId: number, entries: readonly SubjectActions[]): GrantRow[] {
  return entries.flatMap(({ subject, actions }) =>
    actions.map((permission) => ({
      resource_id: resourceId,
      subject_type: subject.type,
      user_id: subject.type === "user" ? subject.id : null,
      group_id: subject.type === "group" ? subject.id : null,
      permission,
    })),
  );
}

function subjectsFilter(entries: readonly SubjectActions[]): Prisma.PermissionGrantWhereInput[] {
  const userIds = entries.flatMap((e) => (e.subject.type === "user" ? [e.subject.id] : []));
  const groupIds = entries.flatMap((e) => (e.subject.type === "group" ? [e.subject.id] : []));
  const filters: Prisma.PermissionGrantWhereInput[] = [];
  if (userIds.length) filters.push({ subject_type: "user", user_id: { in: userIds } });
  if (groupIds.length) filters.push({ subject_type: "group", group_id: { in: groupIds } });
  if (entries.some((e) => e.subject.type === "anonymous")) filters.push({ subject_type: "anonymous" });
  return filters;
}

/**
 * Reads and writes a resource's explicit grants (GeoNode's perm_spec). Every
 * call needs `change_permissions` on the resource: 404 when the caller cannot
 * view it, 403 when they can but may not manage it. Writes are a batch
 * transaction (delete, then insert), never an interactive one, so they also
 * work on PGlite's single connection. Grants to the owner are not stored: the
 * owner always holds every action.
 */
export class PermissionService {
  constructor(private readonly resources: ResourceService) {}

  /** The effective spec: owner first, then every subject with explicit grants. */
  async get(ctx: ServiceContext, idOrUuid: string): Promise<EffectivePermissions> {
    const row = await this.resources.authorize(ctx, idOrUuid, "change_permissions");
    return this.load(ctx, row.id, row.owner_id);
  }

  /** PUT: the body becomes the complete set of explicit grants. */
  async replace(ctx: ServiceContext, idOrUuid: string, body: unknown): Promise<EffectivePermissions> {
    const row = await this.resources.authorize(ctx, idOrUuid, "change_permissions");
    const entries = this.withoutOwner(await resolveSubjects(ctx.db, parsePermSpec(body)), row.owner_id);
    await ctx.db.$transaction([
      ctx.db.permissionGrant.deleteMany({ where: { resource_id: row.id } }),
      ctx.db.permissionGrant.createMany({ data: toRows(row.id, entries) }),
    ]);
    return this.load(ctx, row.id, row.owner_id);
  }

  /** PATCH: each subject named in the body gets exactly the given actions; others keep theirs. */
  async merge(ctx: ServiceContext, idOrUuid: string, body: unknown): Promise<EffectivePermissions> {
    const row = await this.resources.authorize(ctx, idOrUuid, "change_permissions");
    const entries = this.withoutOwner(await resolveSubjects(ctx.db, parsePermSpec(body)), row.owner_id);
    const named = subjectsFilter(entries);
    if (named.length > 0) {
      await ctx.db.$transaction([
        ctx.db.permissionGrant.deleteMany({ where: { resource_id: row.id, OR: named } }),
        ctx.db.permissionGrant.createMany({ data: toRows(row.id, entries) }),
      ]);
    }
    return this.load(ctx, row.id, row.owner_id);
  }

  /** DELETE: back to defaults, no explicit grants; owner, organisation admins and superusers keep their access. */
  async reset(ctx: ServiceContext, idOrUuid: string): Promise<EffectivePermissions> {
    const row = await this.resources.authorize(ctx, idOrUuid, "change_permissions");
    await ctx.db.permissionGrant.deleteMany({ where: { resource_id: row.id } });
    return this.load(ctx, row.id, row.owner_id);
  }

  private withoutOwner(entries: SubjectActions[], ownerId: number | null): SubjectActions[] {
    return entries.filter((e) => !(e.subject.type === "user" && e.subject.id === ownerId));
  }

  private async load(ctx: ServiceContext, resourceId: number, ownerId: number | null): Promise<EffectivePermissions> {
    const [grants, owner] = await Promise.all([
      ctx.db.permissionGrant.findMany({
        where: { resource_id: resourceId },
        include: { user: { select: { id: true, username: true } }, group: { select: { id: true, name: true } } },
        orderBy: { id: "asc" },
      }),
      ownerId === null ? null : ctx.db.user.findUnique({ where: { id: ownerId }, select: { id: true, username: true } }),
    ]);
    const entries: SubjectActions[] = owner ? [{ subject: { type: "user", id: owner.id, username: owner.username }, actions: [...RESOURCE_ACTIONS] }] : [];
    for (const grant of grants) {
      const permission = grant.permission as ResourceAction;
      if (!RESOURCE_ACTIONS.includes(permission)) continue;
      if (grant.subject_type === "user" && grant.user) entries.push({ subject: { type: "user", id: grant.user.id, username: grant.user.username }, actions: [permission] });
      else if (grant.subject_type === "group" && grant.group) entries.push({ subject: { type: "group", id: grant.group.id, name: grant.group.name }, actions: [permission] });
      else if (grant.subject_type === "anonymous") entries.push({ subject: { type: "anonymous" }, actions: [permission] });
    }
    return { resourceId, ownerId, entries: mergeSubjects(entries) };
  }
}
