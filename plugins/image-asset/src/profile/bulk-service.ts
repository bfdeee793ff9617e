import { accessibleResources, Errors, parseRowId, UnrecoverableError, userServiceContext, type Job, type JobKind, type JobRunContext, type PluginJobs, type Prisma, type ServiceContext } from "@assets/core";
import { IMAGE_ASSET_TYPE } from "../model/image-asset-type.js";
import { assertCollectionExists, missingCollection } from "./collection-exists.js";
import { NOT_IN_USE } from "./in-use.js";
import { TREE_LOCK } from "./upload-collection-service.js";

/** Job kinds of the bulk operations, as `/jobs/:id` shows them. */
export const BULK_JOB_KINDS = { tag: "image-asset.bulk_tag", setCollection: "image-asset.bulk_set_upload_collection", destroy: "image-asset.bulk_destroy" } as const;
const KINDS = new Set<string>(Object.values(BULK_JOB_KINDS));

/** Whether a job is one of the bulk operations'. */
export const isBulkJob = (job: Job): boolean => KINDS.has(job.kind);

/** What a bulk job reports (DatoCMS's `meta` of the job result): uploads changed, and uploads that were not. */
export interface BulkOutcome {
  successful: number;
  failed: number;
}

/** A bulk job's payload: the ids as sent, the requester's key scopes (a read-only key stays read-only), the operation's arguments. */
interface BulkPayload {
  upload_ids: string[];
  scopes: string[];
  tags?: string[];
  upload_collection_id?: number | null;
}

type Tx = Prisma.TransactionClient;
/** One operation: applied in one transaction with the requester's permissions, answering how many uploads it changed. */
type Apply = (tx: Tx, ctx: ServiceContext, rowIds: number[], payload: BulkPayload) => Promise<number>;

/** The longest a bulk transaction may run (Prisma's default of 5 s is short for thousands of rows). */
const TRANSACTION_MS = 120_000;

/**
 * DatoCMS's bulk operations over uploads, the request's half: each becomes one job of the core's
 * job model (a plugin job kind on the pipeline's queue), owned by the caller.
 */
export class BulkUploadService {
  constructor(private readonly jobs: PluginJobs) {}

  tag(ctx: ServiceContext, ids: readonly string[], tags: readonly string[]): Promise<Job> {
    return this.enqueue(ctx, BULK_JOB_KINDS.tag, ids, { tags: [...tags] });
  }

  async setCollection(ctx: ServiceContext, ids: readonly string[], collectionId: number | null): Promise<Job> {
    // A wrong id is a 422 now, with no job; the job checks again under the tree lock.
    await assertCollectionExists(ctx.db, collectionId);
    return this.enqueue(ctx, BULK_JOB_KINDS.setCollection, ids, { upload_collection_id: collectionId });
  }

  destroy(ctx: ServiceContext, ids: readonly string[]): Promise<Job> {
    return this.enqueue(ctx, BULK_JOB_KINDS.destroy, ids, {});
  }

  private enqueue(ctx: ServiceContext, kind: string, ids: readonly string[], args: Omit<BulkPayload, "upload_ids" | "scopes">): Promise<Job> {
    if (ctx.principal.kind !== "user") throw Errors.UNAUTHENTICATED({ detail: "Bulk operations need credentials" });
    const payload: BulkPayload = { upload_ids: [...new Set(ids)], scopes: ctx.principal.scopes, ...args };
    return this.jobs.enqueue({ kind, payload: { ...payload }, userId: ctx.principal.id });
  }
}

/** Adds the tags to each upload, keeping those it has; one statement, so concurrent edits of a row's tags are not lost. */
const tag: Apply = async (tx, ctx, rowIds, payload) => {
  const tags = payload.tags ?? [];
  const rows = await tx.resource.findMany({ where: { AND: [{ id: { in: rowIds }, type: IMAGE_ASSET_TYPE }, accessibleResources(ctx.ability, "change_metadata")] }, select: { id: true } });
  const allowed = rows.map((row) => row.id);
  if (allowed.length > 0 && tags.length > 0) {
    await tx.$executeRaw`
      UPDATE "Resource" SET updated_at = now(),
        tags = tags || ARRAY(SELECT DISTINCT t FROM unnest(${tags}::text[]) AS t WHERE NOT (t = ANY("Resource".tags)))
      WHERE id = ANY(${allowed}::int[])`;
  }
  return allowed.length;
};

/** Puts each upload into the collection (null: into none). */
const setCollection: Apply = async (tx, ctx, rowIds, payload) => {
  const collectionId = payload.upload_collection_id ?? null;
  if (collectionId !== null) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${TREE_LOCK})`; // the collection stays until this commits
    if (!(await tx.uploadCollection.findUnique({ where: { id: collectionId }, select: { id: true } }))) throw new UnrecoverableError(missingCollection(collectionId).detail);
  }
  const where = { AND: [{ id: { in: rowIds }, type: IMAGE_ASSET_TYPE }, accessibleResources(ctx.ability, "change_metadata")] };
  const { count } = await tx.imageAsset.updateMany({ where: { resource: where }, data: { upload_collection_id: collectionId } });
  await tx.resource.updateMany({ where, data: { updated_at: new Date() } });
  return count;
};

/** Deletes each upload not in use (its ImageAsset row goes with the Resource, as `DELETE /uploads/:id`); one in use counts as failed. */
const destroy: Apply = async (tx, ctx, rowIds) => {
  const { count } = await tx.resource.deleteMany({ where: { AND: [{ id: { in: rowIds }, type: IMAGE_ASSET_TYPE }, NOT_IN_USE, accessibleResources(ctx.ability, "delete")] } });
  return count;
};

/**
 * Runs one bulk job with its requester's permissions as they are now, in the writing query: only
 * uploads they may change count (tags and collection: `change_metadata`; destroy: `delete`). An id
 * that names no such upload (unknown, unreadable, not theirs to change) counts as `failed`, so a
 * job result never tells which ids exist.
 */
function bulkJob(kind: string, apply: Apply): JobKind {
  return {
    kind,
    maxAttempts: 3,
    async run(run: JobRunContext): Promise<Prisma.InputJsonObject> {
      const payload = run.job.payload as unknown as BulkPayload;
      const ctx = run.job.user_id === null ? null : await userServiceContext(run.db, run.job.user_id, run.log, payload.scopes);
      if (!ctx) throw new UnrecoverableError("The user who asked for this operation no longer exists");
      const rowIds = payload.upload_ids.map(parseRowId).filter((id): id is number => id !== null);
      const successful = await run.db.$transaction((tx) => apply(tx, ctx, rowIds, payload), { timeout: TRANSACTION_MS, maxWait: TRANSACTION_MS });
      return { successful, failed: payload.upload_ids.length - successful } satisfies BulkOutcome;
    },
  };
}

/** The plugin's job kinds for DatoCMS's bulk operations. */
export const BULK_JOBS: readonly JobKind[] = [bulkJob(BULK_JOB_KINDS.tag, tag), bulkJob(BULK_JOB_KINDS.setCollection, setCollection), bulkJob(BULK_JOB_KINDS.destroy, destroy)];
