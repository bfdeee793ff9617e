import { Errors, normalizeUuid, UploadService, type Job, type Page, type PluginJobs, type ServiceContext, type Upload } from "@assets/core";
import { operationOf, type OperationPayload } from "../operations/operation-kinds.js";
import { renderExecutionRequest, renderOperationRequest, type ExecutionRequestBody } from "./execution-request.js";
import type { GeonodeUrls } from "./geonode-urls.js";

const NOT_FOUND = () => Errors.NOT_FOUND({ detail: "Not found." });

/**
 * GeoNode's execution requests over the pipeline's jobs. An upload's job is visible to whoever
 * may see its upload; an operation's (copy, delete ...) to the user who asked for it and to
 * superusers, as GeoNode's `execution-status`; anything else is a 404.
 */
export class ExecutionService {
  private readonly uploads = new UploadService();

  constructor(private readonly jobs: PluginJobs) {}

  /** One execution request the caller may see. */
  async get(ctx: ServiceContext, rawId: string, urls: GeonodeUrls): Promise<ExecutionRequestBody> {
    const id = normalizeUuid(rawId);
    const job = id ? await this.jobs.get(id) : null;
    if (!job) throw NOT_FOUND();
    if (operationOf(job.kind)) {
      const mine = ctx.principal.kind === "user" && (job.user_id === ctx.principal.id || ctx.principal.isSuperuser);
      if (!mine) throw NOT_FOUND();
      return (await this.render(ctx, [job], new Map(), urls))[0]!;
    }
    if (job.subject_id === null) throw NOT_FOUND();
    const upload = await this.uploads.get(ctx, String(job.subject_id)).catch(() => {
      throw NOT_FOUND();
    });
    return (await this.render(ctx, [job], new Map([[upload.id, upload]]), urls))[0]!;
  }

  /** The caller's own execution requests (uploads and operations), oldest first as GeoNode's. */
  async list(ctx: ServiceContext, page: Page, urls: GeonodeUrls): Promise<{ rows: ExecutionRequestBody[]; total: number }> {
    if (ctx.principal.kind !== "user") throw Errors.UNAUTHENTICATED({ detail: "Authentication credentials were not provided." });
    const where = { user_id: ctx.principal.id };
    const [jobs, total] = await Promise.all([
      ctx.db.job.findMany({ where, orderBy: [{ created_at: "asc" }, { id: "asc" }], skip: page.offset, take: page.limit }),
      ctx.db.job.count({ where }),
    ]);
    const uploadIds = jobs.filter((job) => !operationOf(job.kind) && job.subject_id !== null).map((job) => job.subject_id!);
    const uploads = await ctx.db.upload.findMany({ where: { id: { in: uploadIds } } });
    return { rows: await this.render(ctx, jobs, new Map(uploads.map((u) => [u.id, u])), urls), total };
  }

  /** Deletes one of the caller's finished or failed execution requests (GeoNode's `DELETE /executionrequest/{id}`). */
  async remove(ctx: ServiceContext, rawId: string): Promise<void> {
    if (ctx.principal.kind !== "user") throw Errors.UNAUTHENTICATED({ detail: "Authentication credentials were not provided." });
    const id = normalizeUuid(rawId);
    const job = id ? await ctx.db.job.findFirst({ where: { id, user_id: ctx.principal.id } }) : null;
    if (!job) throw Errors.NOT_FOUND({ detail: `uuid provided does not exists: ${rawId}` });
    // An unfinished job's row is what the worker and the sweeper go by: it stays until it ends.
    if (job.state !== "succeeded" && job.state !== "failed") throw Errors.CONFLICT({ detail: "The execution request has not finished yet; delete it once it has finished or failed." });
    await ctx.db.job.deleteMany({ where: { id: job.id, state: { in: ["succeeded", "failed"] } } });
  }

  private async render(ctx: ServiceContext, jobs: readonly Job[], uploads: ReadonlyMap<number, Upload>, urls: GeonodeUrls): Promise<ExecutionRequestBody[]> {
    const userIds = [...new Set(jobs.map((job) => (operationOf(job.kind) ? job.user_id : (uploads.get(job.subject_id ?? -1)?.uploader_id ?? null))).filter((id): id is number => id !== null))];
    const users = new Map((await ctx.db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, username: true } })).map((u) => [u.id, u.username]));
    const nameOf = (id: number | null) => (id === null ? null : (users.get(id) ?? null));
    return jobs.flatMap((job) => {
      const self = urls.api(`/executionrequest/${job.id}`);
      if (operationOf(job.kind)) return [renderOperationRequest(job, job.payload as unknown as OperationPayload, nameOf(job.user_id), { self })];
      const upload = uploads.get(job.subject_id ?? -1);
      if (!upload) return [];
      return [renderExecutionRequest(job, upload, nameOf(upload.uploader_id), { self, resource: (resourceId) => urls.api(`/resources/${resourceId}`) })];
    });
  }
}
