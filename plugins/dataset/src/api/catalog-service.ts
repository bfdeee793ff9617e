import { Errors, sql, whereSql, type Prisma, type ServiceContext } from "@assets/core";
import type { ResourceBaseService } from "./resource-base-service.js";
import { TOPIC_CATEGORIES, type TopicCategory } from "./topic-categories.js";

/** One page of a facet list. */
export interface FacetPage<T> {
  rows: T[];
  total: number;
}

/** What a facet list is asked: its page and a `search` text (case-insensitive substring of its name). */
export interface FacetQuery {
  offset: number;
  limit: number;
  search: string | null;
}

/** A keyword or region with how many resources the caller may see carry it. */
export interface FacetCount {
  name: string;
  count: number;
}

/** A category with its count. */
export type CategoryCount = TopicCategory & { count: number };

/** An owner with how many of their resources the caller may see. */
export interface OwnerCount {
  id: number;
  username: string;
  count: number;
}

const likeText = (text: string) => `%${text.replace(/[\\%_]/g, "\\$&")}%`;

/**
 * GeoNode's facet lists: /keywords, /regions, /categories, /owners. Each
 * counts only the resources the caller may see (GeoNode's
 * `get_resources_with_perms(user).filter(...).count()`), with the permission
 * filter in the one query: keywords and regions are array elements, counted
 * with `unnest` over the same filter compiled to SQL; keywords, regions and
 * owners with no visible resource are not listed (GeoNode lists keywords of
 * visible resources; it has region and user tables, here only what is used).
 */
export class CatalogService {
  constructor(private readonly resources: ResourceBaseService) {}

  async keywords(ctx: ServiceContext, query: FacetQuery, name?: string): Promise<FacetPage<FacetCount>> {
    return this.elements(ctx, query, name, "keywords");
  }

  async regions(ctx: ServiceContext, query: FacetQuery, code?: string): Promise<FacetPage<FacetCount>> {
    return this.elements(ctx, query, code, "regions");
  }

  /** Every ISO topic category (GeoNode lists its whole table), each with its visible count. */
  async categories(ctx: ServiceContext, query: FacetQuery): Promise<FacetPage<CategoryCount>> {
    const groups = await ctx.db.dataset.groupBy({ by: ["category"], where: { category: { not: null }, resource: this.visible(ctx) }, _count: { _all: true } });
    const counts = new Map(groups.map((g) => [g.category, g._count._all]));
    const search = query.search?.toLowerCase();
    const all = TOPIC_CATEGORIES.filter((c) => !search || c.identifier.toLowerCase().includes(search) || c.gn_description.toLowerCase().includes(search));
    return { rows: all.slice(query.offset, query.offset + query.limit).map((c) => ({ ...c, count: counts.get(c.identifier) ?? 0 })), total: all.length };
  }

  async category(ctx: ServiceContext, id: string): Promise<CategoryCount> {
    const category = TOPIC_CATEGORIES.find((c) => String(c.id) === id);
    if (!category) throw Errors.NOT_FOUND({ detail: "No TopicCategory matches the given query." });
    const count = await ctx.db.dataset.count({ where: { category: category.identifier, resource: this.visible(ctx) } });
    return { ...category, count };
  }

  /** Users owning at least one resource the caller may see, by username. */
  async owners(ctx: ServiceContext, query: FacetQuery, id?: number): Promise<FacetPage<OwnerCount>> {
    const visible = this.visible(ctx);
    const where: Prisma.UserWhereInput = {
      resources: { some: visible },
      ...(id !== undefined && { id }),
      ...(query.search && { username: { contains: query.search, mode: "insensitive" } }),
    };
    const [users, total] = await Promise.all([
      ctx.db.user.findMany({ where, orderBy: { username: "asc" }, skip: query.offset, take: query.limit, select: { id: true, username: true } }),
      ctx.db.user.count({ where }),
    ]);
    const groups = users.length
      ? await ctx.db.resource.groupBy({ by: ["owner_id"], where: { AND: [visible, { owner_id: { in: users.map((u) => u.id) } }] }, _count: { _all: true } })
      : [];
    const counts = new Map(groups.map((g) => [g.owner_id, g._count._all]));
    return { rows: users.map((u) => ({ ...u, count: counts.get(u.id) ?? 0 })), total };
  }

  /** What the caller may see of GeoNode's types, as lists show it. */
  private visible(ctx: ServiceContext): Prisma.ResourceWhereInput {
    return this.resources.visibleWhere(ctx, null);
  }

  /** Distinct keywords (Resource.tags) or regions (Dataset.regions) of the visible resources, by name, with counts. */
  private async elements(ctx: ServiceContext, query: FacetQuery, only: string | undefined, kind: "keywords" | "regions"): Promise<FacetPage<FacetCount>> {
    const visible = whereSql("Resource", "r", this.visible(ctx));
    const from =
      kind === "keywords"
        ? sql`FROM "Resource" AS r CROSS JOIN LATERAL unnest(r."tags") AS e WHERE ${visible}`
        : sql`FROM "Dataset" AS d JOIN "Resource" AS r ON r."id" = d."resource_id" CROSS JOIN LATERAL unnest(d."regions") AS e WHERE ${visible}`;
    const narrowed = only !== undefined ? sql`${from} AND e = ${only}` : query.search ? sql`${from} AND e ILIKE ${likeText(query.search)}` : from;
    const page = sql`SELECT e AS name, count(*)::int AS count ${narrowed} GROUP BY e ORDER BY e LIMIT ${query.limit} OFFSET ${query.offset}`.toStatement();
    const total = sql`SELECT count(DISTINCT e)::int AS total ${narrowed}`.toStatement();
    const [rows, [counted]] = await Promise.all([
      ctx.db.$queryRawUnsafe<FacetCount[]>(page.text, ...page.values),
      ctx.db.$queryRawUnsafe<{ total: number }[]>(total.text, ...total.values),
    ]);
    return { rows: rows.map((r) => ({ name: r.name, count: Number(r.count) })), total: Number(counted?.total ?? 0) };
  }
}
