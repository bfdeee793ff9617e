import { accessibleUploads, AppError, Errors, type Job, type ServiceContext, type UploadIngest } from "@assets/core";
import type { UploadRecord } from "./upload-serializer.js";
import type { DatocmsUploadService } from "./upload-service.js";
import { UPDATE_JOB_KIND } from "./upload-update-service.js";

/** A finished upload job as DatoCMS's `job_result` reports it: the upload, or why it was refused. */
export type JobOutcome = { job: Job; ok: true; upload: UploadRecord } | { job: Job; ok: false; reason: string };

/**
 * The results of the jobs the profile answered with (202 `{ data: { type: "job", id } }`): a
 * job is visible to whoever may view its upload; until it has finished it is a 404, which the
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
