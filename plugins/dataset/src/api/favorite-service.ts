import { Errors, isUniqueViolation, type Prisma, type ResourceRecord, type ServiceContext } from "@assets/core";
import { DOCUMENT_TYPE } from "../model/dataset-type.js";
import { typeScope, type ResourceBaseService } from "./resource-base-service.js";

const ANY_TYPE = typeScope(null);

/** GeoNode's answer to a favourite write: its message and status. */
export interface FavoriteOutcome {
  status: number;
  message: string;
}

/** The Dataset row of a resource, made when a resource created without data (`POST /resources/`) needs one. */
export async function ensureDataset(db: Prisma.TransactionClient, row: Pick<ResourceRecord, "id" | "type">): Promise<{ id: number }> {
  return db.dataset.upsert({
    where: { resource_id: row.id },
    create: { resource_id: row.id, subtype: row.type === DOCUMENT_TYPE ? "document" : "vector" },
    update: {},
    select: { id: true },
  });
}

/**
 * A signed-in caller's favourites (GeoNode's `favorite` actions): only of
 * resources they may see (an unseen one is a 404), answered with GeoNode's
 * messages and statuses.
 */
export class FavoriteService {
  constructor(private readonly resources: ResourceBaseService) {}

  async add(ctx: ServiceContext, id: string): Promise<FavoriteOutcome> {
    const userId = this.userId(ctx);
    const dataset = await ensureDataset(ctx.db, await this.resources.authorize(ctx, id, "view", ANY_TYPE));
    try {
      await ctx.db.datasetFavorite.create({ data: { dataset_id: dataset.id, user_id: userId } });
    } catch (error) {
      if (isUniqueViolation(error)) return { status: 400, message: "Resource is already in favorites" };
      throw error;
    }
    return { status: 201, message: "Successfuly added resource to favorites" };
  }

  async remove(ctx: ServiceContext, id: string): Promise<FavoriteOutcome> {
    const userId = this.userId(ctx);
    const row = await this.resources.authorize(ctx, id, "view", ANY_TYPE);
    const { count } = await ctx.db.datasetFavorite.deleteMany({ where: { user_id: userId, dataset: { resource_id: row.id } } });
    return count > 0 ? { status: 200, message: "Successfuly removed resource from favorites" } : { status: 404, message: "Resource not in favorites" };
  }

  /** The scope of `GET /resources/favorites/`: the caller's favourites (the list adds what they may see). */
  scope(ctx: ServiceContext): Prisma.ResourceWhereInput {
    return { AND: [ANY_TYPE, { dataset: { is: { favorites: { some: { user_id: this.userId(ctx) } } } } }] };
  }

  private userId(ctx: ServiceContext): number {
    if (ctx.principal.kind !== "user") throw Errors.UNAUTHENTICATED({ detail: "Authentication credentials were not provided." });
    return ctx.principal.id;
  }
}
