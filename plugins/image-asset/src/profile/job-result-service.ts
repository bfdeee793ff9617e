import { accessibleUploads, Errors, type Job, type ServiceContext, type UploadIngest } from "@assets/core";
import type { UploadRecord } from "./upload-serializer.js";
import type { DatocmsUploadService } from "./upload-service.js";

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
    if (!job || job.subject_id === null) throw notFound();
    const upload = await ctx.db.upload.findFirst({ where: { AND: [{ id: job.subject_id }, accessibleUploads(ctx.ability, "view")] } });
    if (!upload) throw notFound();
    if (job.state === "failed") return { job, ok: false, reason: job.error ?? upload.state_detail };
    if (job.state !== "succeeded" || upload.resource_id === null) throw Errors.NOT_FOUND({ detail: `Job '${job.id}' has not finished yet (${job.state}, ${job.progress}%)` });
    return { job, ok: true, upload: await this.uploads.get(ctx, String(upload.resource_id)) };
  }
}
