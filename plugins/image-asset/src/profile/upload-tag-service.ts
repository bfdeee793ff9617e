import { accessibleResources, type ServiceContext } from "@assets/core";
import { IMAGE_ASSET_TYPE } from "../model/image-asset-type.js";

/** One page of tag names and how many match over all pages. */
export interface TagPage {
  names: string[];
  total: number;
}

const BATCH = 1000;

/**
 * DatoCMS's upload tags: the distinct tags on the uploads the caller may list (Hidden ones are left out, as from lists) (permissions in the
 * query), in name order, optionally only those containing `query` (case-insensitive). DatoCMS keeps
 * tags as records of their own; here they are the values of `Resource.tags`, so the readable tagged
 * assets are read in batches of ids and tags (memory grows with the distinct tags, not the assets).
 */
export class UploadTagService {
  async list(ctx: ServiceContext, query: string | undefined, page: { offset: number; limit: number }): Promise<TagPage> {
    const names = new Set<string>();
    const where = { AND: [{ type: IMAGE_ASSET_TYPE, access_modifier: { not: "Hidden" as const }, tags: { isEmpty: false } }, accessibleResources(ctx.ability, "view")] };
    for (let after = 0; ; ) {
      const rows = await ctx.db.resource.findMany({ where: { AND: [where, { id: { gt: after } }] }, select: { id: true, tags: true }, orderBy: { id: "asc" }, take: BATCH });
      for (const row of rows) for (const tag of row.tags) names.add(tag);
      if (rows.length < BATCH) break;
      after = rows[rows.length - 1]!.id;
    }
    const needle = query?.trim().toLowerCase();
    const matching = [...names].filter((name) => !needle || name.toLowerCase().includes(needle)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { names: matching.slice(page.offset, page.offset + page.limit), total: matching.length };
  }
}
