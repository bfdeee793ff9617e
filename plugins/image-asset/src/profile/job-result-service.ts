import { accessibleUploads, AppError, Errors, type Job, type ServiceContext, type UploadIngest } from "@assets/core";
import { isBulkJob, type BulkOutcome } from "./bulk-service.js";
import type { UploadRecord } from "./upload-serializer.js";
import type { DatocmsUploadService } from "./upload-service.js";
import { UPDATE_JOB_KIND } from "./upload-update-service.js";

/** A finished job as DatoCMS's `job_result` reports it: the upload or why it was refused, or a bulk operation's counts or why it failed. */
export type JobOutcome =
  | { job: Job; ok: true; upload: UploadRecord }
  | { job: Job; ok: false; reason: string }
  | { job: Job; ok: true; bulk: BulkOutcome }
  | { job: Job; ok: false; bulk: true; reason: string };

/**
 * The results of the jobs the profile answered with (202 `{ data: { type: "job", id } }`): an
 * upload's job is visible to whoever may view its upload, a bulk job to whoever asked for it; until it has finished it is a 404, which the
 * official client reads as "not yet".
 */
export class JobResultService {
  constructor(
    private readonly jobs: UploadIngest,
    private readonly uploads: DatocmsUploadService,
  ) {}

  async find(ctx: ServiceContext, id: string): Promise<JobOutcome> {
    const notFound = () => Errors.NOT_FOUND({ detail: `Job result '${id}' not found` });
    const job = await this.jobs.job(id);
    if (job?.kind === UPDATE_JOB_KIND) return { job, ok: true, upload: await this.updated(ctx, job, notFound) };
    if (job && isBulkJob(job)) return bulkOutcome(ctx, job, notFound);
    if (!job || job.subject_id === null) throw notFound();
    const upload = await ctx.db.upload.findFirst({ where: { AND: [{ id: job.subject_id }, accessibleUploads(ctx.ability, "view")] } });
    if (!upload) throw notFound();
    if (job.state === "failed") return { job, ok: false, reason: job.error ?? upload.state_detail };
    if (job.state !== "succeeded" || upload.resource_id === null) throw Errors.NOT_FOUND({ detail: `Job '${job.id}' has not finished yet (${job.state}, ${job.progress}%)` });
    return { job, ok: true, upload: await this.uploads.get(ctx, String(upload.resource_id)) };
  }

  /** The asset a metadata update changed, if the caller may still view it (else the job is as unknown as a made-up id). */
  private async updated(ctx: ServiceContext, job: Job, notFound: () => Error): Promise<UploadRecord> {
    const resourceId = (job.payload as { resourceId?: unknown } | null)?.resourceId;
    if (typeof resourceId !== "number") throw notFound();
    return this.uploads.get(ctx, String(resourceId)).catch((error: unknown) => {
      throw error instanceof AppError && error.status === 404 ? notFound() : error;
    });
  }
}

/** A bulk job's outcome, for whoever asked for it (and superusers); anyone else gets the 404 of a made-up id. */
function bulkOutcome(ctx: ServiceContext, job: Job, notFound: () => Error): JobOutcome {
  const mine = ctx.principal.kind === "user" && (job.user_id === ctx.principal.id || ctx.principal.isSuperuser);
  if (!mine) throw notFound();
  if (job.state === "failed") return { job, ok: false, bulk: true, reason: job.error ?? "The operation failed" };
  if (job.state !== "succeeded") throw Errors.NOT_FOUND({ detail: `Job '${job.id}' has not finished yet (${job.state}, ${job.progress}%)` });
  const result = job.result as Partial<BulkOutcome> | null;
  return { job, ok: true, bulk: { successful: Number(result?.successful ?? 0), failed: Number(result?.failed ?? 0) } };
}
