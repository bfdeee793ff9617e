import { accessibleResources, decideOnRows } from "../access/accessible.js";
import type { ResourceAction } from "../access/ability.js";
import { authorize } from "../access/authorize.js";
import { Errors } from "../errors/index.js";
import type { Prisma } from "../generated/prisma/client.js";
import { listPage } from "../query/list-page.js";
import type { FieldCatalog } from "../query/field-catalog.js";
import { normalizeUuid, parseRowId } from "../query/parse-value.js";
import type { FilterNode, ListQuery } from "../query/types.js";
import type { ServiceContext } from "../services/service-context.js";
import type { ResourceInput, ResourcePatch } from "./resource-input.js";

/** The columns of a resource's organisation and owner that the API renders; nothing else (e.g. emails) is read. */
export const RESOURCE_RELATIONS = {
  organisation: { select: { id: true, uuid: true, name: true } },
  owner: { select: { id: true, username: true } },
} as const satisfies Prisma.ResourceInclude;

/** A resource row with the relations the API renders. */
export type ResourceRecord = Prisma.ResourceGetPayload<{ include: typeof RESOURCE_RELATIONS }> & Record<string, unknown>;

/** A page of resources plus which of them the caller may change. */
export interface ResourcePage {
  rows: ResourceRecord[];
  total: number;
  writable: ReadonlySet<number>;
}

/** How resources are listed and loaded: catalog and the type records to include. */
export interface ResourceServiceOptions {
  fields: FieldCatalog;
  include?: Record<string, true>;
}

function mentionsField(node: FilterNode | null, field: string): boolean {
  if (!node) return false;
  switch (node.kind) {
    case "condition":
      return node.field === field;
    case "not":
      return mentionsField(node.node, field);
    default:
      return node.nodes.some((n) => mentionsField(n, field));
  }
}

/** Hidden resources are left out of listings unless the query asks for access modifiers explicitly. */
function hiddenExclusion(query: ListQuery): Prisma.ResourceWhereInput {
  return mentionsField(query.filter, "access_modifier") ? {} : { access_modifier: { not: "Hidden" } };
}

function byIdOrUuid(idOrUuid: string): Prisma.ResourceWhereInput {
  const id = parseRowId(idOrUuid);
  if (id !== null) return { id };
  const uuid = normalizeUuid(idOrUuid);
  return uuid ? { uuid } : { id: -1 };
}

/** Resource reads and writes, always inside the caller's permissions. */
export class ResourceService {
  constructor(private readonly options: ResourceServiceOptions) {}

  private include() {
    return { ...RESOURCE_RELATIONS, ...this.options.include } as const;
  }

  /** Lists what the caller may view; the filter, count and page all run in SQL with the permission filter. */
  async list(ctx: ServiceContext, query: ListQuery, scope: Prisma.ResourceWhereInput = {}): Promise<ResourcePage> {
    const page = await listPage(ctx.db.resource, query, {
      fields: this.options.fields,
      where: [scope, hiddenExclusion(query), accessibleResources(ctx.ability, "view")],
      include: this.include(),
    });
    const rows = page.rows as ResourceRecord[];
    // `writable` is decided on the page's own rows when the `change` rules test only their columns; otherwise by the database.
    const writable = decideOnRows(ctx.ability, "change", rows) ?? (await this.allowedIds(ctx, "change", rows.map((r) => r.id)));
    return { rows, total: page.total, writable };
  }

  /** The ids among `ids` on which the caller may do `action`, decided by the database. */
  async allowedIds(ctx: ServiceContext, action: ResourceAction, ids: number[]): Promise<Set<number>> {
    if (ids.length === 0) return new Set();
    const rows = await ctx.db.resource.findMany({
      where: { AND: [{ id: { in: ids } }, accessibleResources(ctx.ability, action)] },
      select: { id: true },
    });
    return new Set(rows.map((r) => r.id));
  }

  /** One resource the caller may view, else 404 (never 403: existence is not revealed). */
  async get(ctx: ServiceContext, idOrUuid: string, scope: Prisma.ResourceWhereInput = {}): Promise<ResourceRecord> {
    return this.authorize(ctx, idOrUuid, "view", scope);
  }

  /** Loads a viewable resource and checks `action` on it: 404 if unseen, 403 if seen but not allowed. */
  async authorize(ctx: ServiceContext, idOrUuid: string, action: ResourceAction, scope: Prisma.ResourceWhereInput = {}): Promise<ResourceRecord> {
    const find = (where: Prisma.ResourceWhereInput) => ctx.db.resource.findFirst({ where, include: this.include() });
    const row = await authorize(ctx, "Resource", { AND: [byIdOrUuid(idOrUuid), scope] }, action, find, {
      notFound: `Resource '${idOrUuid}' not found`,
      forbidden: `You may not ${action.replace("_", " ")} this resource`,
    });
    return row as ResourceRecord;
  }

  async create(ctx: ServiceContext, input: ResourceInput, typeData: Record<string, unknown> = {}): Promise<ResourceRecord> {
    if (ctx.principal.kind !== "user" || !ctx.ability.can("create", "Resource")) {
      throw ctx.principal.kind === "user" ? Errors.FORBIDDEN({ detail: "You may not create resources" }) : Errors.UNAUTHENTICATED({ detail: "Sign in to create resources" });
    }
    const organisationId = input.organisation_id ?? null;
    if (organisationId !== null && !ctx.principal.isSuperuser) {
      const role = ctx.principal.organisations.find((m) => m.organisationId === organisationId)?.role;
      if (!role || role === "member") throw Errors.FORBIDDEN({ detail: "You may only create resources in organisations where you are an editor or admin" });
    }
    const row = await ctx.db.resource.create({
      data: {
        type: input.type,
        name: input.name,
        description: input.description ?? "",
        access_modifier: input.access_modifier ?? "Private",
        tags: input.tags ?? [],
        extra_metadata: (input.extra_metadata ?? {}) as Prisma.InputJsonValue,
        organisation_id: organisationId,
        owner_id: ctx.principal.id,
        ...typeData,
      },
      include: this.include(),
    });
    return row as ResourceRecord;
  }

  async update(ctx: ServiceContext, idOrUuid: string, patch: ResourcePatch, typeData: Record<string, unknown> = {}, scope: Prisma.ResourceWhereInput = {}) {
    const existing = await this.authorize(ctx, idOrUuid, "change_metadata", scope);
    if (patch.access_modifier && patch.access_modifier !== existing.access_modifier) {
      await this.authorize(ctx, idOrUuid, "change_permissions", scope);
    }
    const row = await ctx.db.resource.update({
      where: { id: existing.id },
      data: {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.access_modifier !== undefined && { access_modifier: patch.access_modifier }),
        ...(patch.tags !== undefined && { tags: patch.tags }),
        ...(patch.extra_metadata !== undefined && { extra_metadata: patch.extra_metadata as Prisma.InputJsonValue }),
        ...typeData,
      },
      include: this.include(),
    });
    return row as ResourceRecord;
  }

  async delete(ctx: ServiceContext, idOrUuid: string, scope: Prisma.ResourceWhereInput = {}): Promise<ResourceRecord> {
    const existing = await this.authorize(ctx, idOrUuid, "delete", scope);
    await ctx.db.resource.delete({ where: { id: existing.id } });
    return existing;
  }
}
