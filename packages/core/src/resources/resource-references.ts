import { Errors } from "../errors/index.js";
import type { PluginRegistry } from "../plugins/registry.js";
import type { ResourceReference } from "../plugins/types.js";
import type { ServiceContext } from "../services/service-context.js";
import type { ResourceRecord, ResourceService } from "./resource-service.js";
import type { StoredReferences } from "./stored-references.js";

/**
 * What depends on a resource, whatever its type: the references other resources recorded to it
 * (`ResourceUse`, through `PUT /resources/:id/uses/:field`) and what its type's plugin says
 * through its `references` hook, so clients (the studio's "in use" question) ask one endpoint, and a delete
 * refuses a resource in use unless forced, with the type's `detach` leaving the dependants as its
 * API promises.
 */
export class ResourceReferences {
  constructor(
    private readonly resources: ResourceService,
    private readonly registry: PluginRegistry,
    private readonly stored: StoredReferences,
  ) {}

  /** The dependants of a resource the caller may view (404 otherwise): the recorded references, then the type's hook's. */
  async list(ctx: ServiceContext, idOrUuid: string): Promise<ResourceReference[]> {
    return this.of(ctx, await this.resources.get(ctx, idOrUuid));
  }

  /**
   * Deletes a resource the caller may delete. One in use is refused (409 RESOURCE_IN_USE, its
   * dependants named) unless `force`; then the type's `detach` runs in the delete's transaction.
   * A dependant added between the check and the delete is left to the database's `onDelete`
   * (recorded references go with the resource).
   */
  async delete(ctx: ServiceContext, idOrUuid: string, force: boolean): Promise<void> {
    const row = await this.resources.authorize(ctx, idOrUuid, "delete");
    const references = await this.of(ctx, row);
    if (references.length > 0 && !force) {
      throw Errors.RESOURCE_IN_USE({
        detail: `'${row.name}' is used by ${describe(references)}; delete with force=true to delete it anyway, which breaks them.`,
        meta: { references: references.length },
      });
    }
    const detach = references.length > 0 ? this.registry.types.get(row.type)?.detach : undefined;
    const target = { id: row.id, uuid: row.uuid };
    await ctx.db.$transaction(async (tx) => {
      if (detach) await detach(tx, target);
      await tx.resource.deleteMany({ where: { id: row.id } });
    });
  }

  private async of(ctx: ServiceContext, row: ResourceRecord): Promise<ResourceReference[]> {
    const hook = this.registry.types.get(row.type)?.references;
    const recorded = await this.stored.incoming(ctx, row.id);
    return hook ? [...recorded, ...(await hook(ctx, { id: row.id, uuid: row.uuid }))] : recorded;
  }
}

/** "2 raster_layer(s) and 1 label_type(s)". */
export function describe(references: readonly ResourceReference[]): string {
  const counts = new Map<string, number>();
  for (const r of references) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  const parts = [...counts].map(([type, n]) => `${n} ${type}(s)`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : parts[0] ?? "nothing";
}
