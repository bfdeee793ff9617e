/**
 * The job kinds of GeoNode's resource-service operations. Each attempt rebuilds the caller's
 * service context from the Job's `user_id` (and the key scopes they used), so the work is
 * authorized again, in the query, when it runs: a resource deleted meanwhile or no longer
 * readable ends the request `failed` with the reason, like any refusal of the core's services.
 */
import { AppError, UnrecoverableError, userServiceContext, type JobKind, type JobRunContext, type Prisma, type ServiceContext } from "@assets/core";
import { ResourceBaseService, typeScope } from "../api/resource-base-service.js";
import { copyResource } from "./copy-resource.js";
import { OPERATIONS, operationKind, type GeonodeOperation, type OperationPayload, type OperationResult } from "./operation-kinds.js";

const ANY_TYPE = typeScope(null);

/** An AppError of a service (404, 403, 400) is final: retrying cannot change the answer. */
function final(error: unknown): never {
  if (error instanceof AppError) throw new UnrecoverableError(error.detail ?? error.message, { cause: error });
  throw error;
}

async function callerOf(run: JobRunContext, payload: OperationPayload): Promise<ServiceContext> {
  const userId = run.job.user_id;
  const ctx = userId === null ? null : await userServiceContext(run.db, userId, run.log, payload.scopes);
  if (!ctx) throw new UnrecoverableError("The user who asked for this operation no longer exists");
  return ctx;
}

function resourceIdOf(payload: OperationPayload): number {
  if (payload.resource_id === undefined) throw new UnrecoverableError(`The ${payload.func_name} request names no resource`);
  return payload.resource_id;
}

type Operation = (ctx: ServiceContext, payload: OperationPayload, run: JobRunContext, signal: AbortSignal) => Promise<OperationResult>;

/** Each operation over the GeoNode profile's services; see the module comment. */
function operations(resources: ResourceBaseService): Record<GeonodeOperation, Operation> {
  const created = async (ctx: ServiceContext, payload: OperationPayload, run: JobRunContext): Promise<OperationResult> => {
    // GeoNode's ingest of a dataset without files makes nothing.
    if (!payload.create && payload.func_name === "ingest") return { output_params: { output: null }, resource_id: null };
    if (!payload.create) throw new UnrecoverableError(`The ${payload.func_name} request has no resource to create`);
    // GeoNode's create answers the resource that already has the uuid asked for, unchanged.
    const existing = payload.create.uuid ? await run.db.resource.findUnique({ where: { uuid: payload.create.uuid }, select: { uuid: true } }) : null;
    if (existing) return { output_params: { output: { uuid: existing.uuid } }, resource_id: null };
    const [view] = await resources.createMany(ctx, [payload.create]).catch(final);
    return { output_params: { output: { uuid: view!.row.uuid } }, resource_id: view!.row.id };
  };
  return {
    async copy(ctx, payload, run, signal) {
      const id = resourceIdOf(payload);
      await resources.authorize(ctx, String(id), "download", ANY_TYPE).catch(final);
      if (!ctx.ability.can("create", "Resource")) throw new UnrecoverableError("You do not have permission to create resources");
      const copy = await copyResource(ctx, run.storage, id, payload.title, signal);
      return { output_params: { output: { uuid: copy.uuid } }, resource_id: copy.id };
    },
    async delete(ctx, payload, run) {
      const id = resourceIdOf(payload);
      await resources.authorize(ctx, String(id), "delete", ANY_TYPE).catch(final);
      // The files a copy owns go with it.
      await new ResourceBaseService(run.storage).delete(ctx, String(id), ANY_TYPE).catch(final);
      return { output_params: { output: 1 }, resource_id: null };
    },
    async update(ctx, payload) {
      const id = resourceIdOf(payload);
      const view = await resources.update(ctx, String(id), payload.patch ?? {}, ANY_TYPE).catch(final);
      return { output_params: { output: { uuid: view.row.uuid } }, resource_id: view.row.id };
    },
    create: created,
    ingest: created,
  };
}

/** The dataset plugin's job kinds, one per operation. */
export function operationJobs(): JobKind[] {
  const run = operations(new ResourceBaseService());
  return OPERATIONS.map((operation) => ({
    kind: operationKind(operation),
    async run(job, signal): Promise<Prisma.InputJsonObject> {
      const payload = job.job.payload as unknown as OperationPayload;
      const ctx = await callerOf(job, payload);
      const result = await run[operation](ctx, payload, job, signal);
      return result as unknown as Prisma.InputJsonObject;
    },
  }));
}
