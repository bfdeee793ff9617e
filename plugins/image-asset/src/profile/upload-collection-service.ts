import { Errors, parseRowId, type Prisma, type ServiceContext, type UploadCollection } from "@assets/core";
import { DatocmsErrors } from "./datocms-errors.js";

/** A collection with its children's ids in position order (DatoCMS's `children` relationship). */
export type CollectionRecord = UploadCollection & { children: { id: number }[] };

/** What a create or an update may set; `parentId` null is the root, undefined leaves it. */
export interface CollectionChanges {
  label?: string;
  position?: number;
  parentId?: number | null;
  /** Only on update: this collection's children in their new order (the same set it has). */
  childIds?: number[];
}

type Tx = Prisma.TransactionClient;

const INCLUDE = { children: { select: { id: true }, orderBy: [{ position: "asc" }, { id: "asc" }] } } as const satisfies Prisma.UploadCollectionInclude;
/** One lock for every write to the tree: positions among siblings and cycles are decided under it. */
export const TREE_LOCK = 0x75_63_74_72; // "uctr"

/**
 * DatoCMS upload collections: one tree of folders shared by the whole media library. Anyone who
 * may list uploads reads it (DatoCMS scopes collections by role only, which has no counterpart
 * here); callers who may create uploads change it. Positions are 1..n among siblings after every
 * write: a create or move inserts at the requested position (clamped, default last) and shifts the
 * others; deleting a collection deletes its descendants, and their assets stay, in no collection.
 */
export class UploadCollectionService {
  async list(ctx: ServiceContext, ids?: readonly string[]): Promise<CollectionRecord[]> {
    const where = ids ? { id: { in: ids.map((id) => parseRowId(id) ?? -1) } } : {};
    return ctx.db.uploadCollection.findMany({ where, include: INCLUDE, orderBy: [{ parent_id: { sort: "asc", nulls: "first" } }, { position: "asc" }, { id: "asc" }] });
  }

  async get(ctx: ServiceContext, id: string): Promise<CollectionRecord> {
    return this.find(ctx.db, id);
  }

  async create(ctx: ServiceContext, changes: CollectionChanges & { label: string }): Promise<CollectionRecord> {
    this.assertMayChange(ctx);
    return this.write(ctx, async (tx) => {
      const parentId = changes.parentId ?? null;
      if (parentId !== null) await this.find(tx, String(parentId), "parent");
      const siblings = await this.siblings(tx, parentId);
      const position = clamp(changes.position, siblings.length + 1);
      const created = await tx.uploadCollection.create({ data: { label: changes.label, parent_id: parentId, position } });
      await this.renumber(tx, insertAt(siblings, created.id, position));
      return created.id;
    });
  }

  async update(ctx: ServiceContext, id: string, changes: CollectionChanges): Promise<CollectionRecord> {
    this.assertMayChange(ctx);
    return this.write(ctx, async (tx) => {
      const current = await this.find(tx, id);
      const parentId = changes.parentId === undefined ? current.parent_id : changes.parentId;
      if (parentId !== null && parentId !== current.parent_id) await this.assertNotBelow(tx, parentId, current.id);
      if (changes.label !== undefined) await tx.uploadCollection.update({ where: { id: current.id }, data: { label: changes.label } });
      if (parentId !== current.parent_id || changes.position !== undefined) {
        const left = (await this.siblings(tx, current.parent_id)).filter((sibling) => sibling !== current.id);
        await this.renumber(tx, left);
        const siblings = parentId === current.parent_id ? left : await this.siblings(tx, parentId);
        const position = clamp(changes.position ?? (parentId === current.parent_id ? current.position : undefined), siblings.length + 1);
        await tx.uploadCollection.update({ where: { id: current.id }, data: { parent_id: parentId } });
        await this.renumber(tx, insertAt(siblings, current.id, position));
      }
      if (changes.childIds) await this.reorderChildren(tx, current, changes.childIds);
      return current.id;
    });
  }

  /** Deletes the collection and its descendants; returns it as it was. */
  async delete(ctx: ServiceContext, id: string): Promise<CollectionRecord> {
    this.assertMayChange(ctx);
    return ctx.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${TREE_LOCK})`;
      const current = await this.find(tx, id);
      await tx.uploadCollection.delete({ where: { id: current.id } }); // descendants: ON DELETE CASCADE
      await this.renumber(tx, await this.siblings(tx, current.parent_id));
      return current;
    });
  }

  private assertMayChange(ctx: ServiceContext): void {
    if (!ctx.ability.can("create", "Upload")) {
      throw ctx.principal.kind === "anonymous" ? Errors.UNAUTHENTICATED({ detail: "Changing upload collections needs credentials" }) : Errors.FORBIDDEN({ detail: "You may not change upload collections" });
    }
  }

  /** Runs `work` under the tree lock in one transaction and answers the collection it names. */
  private async write(ctx: ServiceContext, work: (tx: Tx) => Promise<number>): Promise<CollectionRecord> {
    return ctx.db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${TREE_LOCK})`;
      return this.find(tx, String(await work(tx)));
    });
  }

  private async find(db: Tx, id: string, field?: "parent"): Promise<CollectionRecord> {
    const rowId = parseRowId(id);
    const found = rowId === null ? null : await db.uploadCollection.findUnique({ where: { id: rowId }, include: INCLUDE });
    if (found) return found;
    if (field) throw DatocmsErrors.INVALID_FIELD(field, `Upload collection '${id}' does not exist`);
    throw Errors.NOT_FOUND({ detail: `Upload collection '${id}' not found`, source: { parameter: "id" } });
  }

  /** Ids of the collections under `parentId`, in position order. */
  private async siblings(db: Tx, parentId: number | null): Promise<number[]> {
    const rows = await db.uploadCollection.findMany({ where: { parent_id: parentId }, select: { id: true }, orderBy: [{ position: "asc" }, { id: "asc" }] });
    return rows.map((row) => row.id);
  }

  private async renumber(db: Tx, ordered: readonly number[]): Promise<void> {
    for (const [index, id] of ordered.entries()) await db.uploadCollection.updateMany({ where: { id, position: { not: index + 1 } }, data: { position: index + 1 } });
  }

  /** A collection may not move below itself: `parentId` and its ancestors must not be `id`. */
  private async assertNotBelow(db: Tx, parentId: number, id: number): Promise<void> {
    let cursor: number | null = (await this.find(db, String(parentId), "parent")).id;
    while (cursor !== null) {
      if (cursor === id) throw DatocmsErrors.INVALID_FIELD("parent", "An upload collection cannot be moved inside itself or its descendants");
      const row: { parent_id: number | null } | null = await db.uploadCollection.findUnique({ where: { id: cursor }, select: { parent_id: true } });
      cursor = row?.parent_id ?? null;
    }
  }

  private async reorderChildren(db: Tx, current: CollectionRecord, childIds: readonly number[]): Promise<void> {
    const existing = new Set(current.children.map((child) => child.id));
    if (childIds.length !== existing.size || new Set(childIds).size !== childIds.length || childIds.some((child) => !existing.has(child))) {
      throw DatocmsErrors.INVALID_FIELD("children", "children must list this collection's children, each once, in their new order");
    }
    await this.renumber(db, childIds);
  }
}

/** A 1-based position among `count` places, the last when none is given. */
function clamp(position: number | undefined, count: number): number {
  return Math.min(Math.max(position ?? count, 1), count);
}

function insertAt(ordered: readonly number[], id: number, position: number): number[] {
  const rest = ordered.filter((other) => other !== id);
  return [...rest.slice(0, position - 1), id, ...rest.slice(position - 1)];
}
