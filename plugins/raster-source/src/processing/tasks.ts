/**
 * Pipeline jobs rendered as Lizard's `/api/v4/tasks/{uuid}/` (Celery task states), for the
 * uploads the caller may see.
 */
import type { Request } from "express";
import { type Job, type ServiceContext, type Upload, accessibleUploads } from "@assets/core";
import { formatDateTime } from "../model/date-time.js";
import { parseIsoTimestamp } from "./timestamps.js";

/** Celery's task states, as Lizard reports them. */
export type TaskStatus = "PENDING" | "STARTED" | "RETRY" | "SUCCESS" | "FAILURE";

const JOB_STATUS: Record<Job["state"], TaskStatus> = {
  queued: "PENDING",
  running: "STARTED",
  retry: "RETRY",
  succeeded: "SUCCESS",
  failed: "FAILURE",
};

/** Absolute URL of a task, beside the router's other paths (e.g. `.../api/v4/tasks/<id>/`). */
export function taskUrl(req: Request, jobId: string): string {
  return `${req.protocol}://${req.get("host")}${req.baseUrl}/tasks/${jobId}/`;
}

/** The upload a job works on: its subject, or `payload.uploadId`. */
export function jobUploadId(job: Job): number | null {
  const fromPayload = (job.payload as { uploadId?: unknown } | null)?.uploadId;
  const id = job.subject_id ?? (typeof fromPayload === "number" ? fromPayload : null);
  return Number.isSafeInteger(id) ? id : null;
}

type TaskUpload = Pick<Upload, "uuid" | "metadata"> & { resource: { uuid: string } | null };

/** The job's upload if the caller may view it, else null (the task is then a 404). */
export async function visibleTaskUpload(ctx: ServiceContext, job: Job): Promise<TaskUpload | null> {
  const uploadId = jobUploadId(job);
  if (uploadId === null) return null;
  return ctx.db.upload.findFirst({
    where: { AND: [{ id: uploadId }, accessibleUploads(ctx.ability, "view")] },
    select: { uuid: true, metadata: true, resource: { select: { uuid: true } } },
  });
}

/**
 * Lizard's task representation of a job. The job's state is the upload's (the
 * core's state machine moves both in one transaction), so it alone decides.
 */
export function renderTask(req: Request, job: Job, upload: TaskUpload) {
  const status = JOB_STATUS[job.state];
  const raw = (upload.metadata as { timestamp?: unknown } | null)?.timestamp;
  const timestamp = formatDateTime(typeof raw === "string" ? parseIsoTimestamp(raw) : null);
  const rasterSource = upload.resource && `${req.protocol}://${req.get("host")}${req.baseUrl}/rastersources/${upload.resource.uuid}/`;
  return {
    url: taskUrl(req, job.id),
    uuid: job.id,
    task_id: job.id,
    status,
    progress: status === "SUCCESS" ? 100 : job.progress,
    created: formatDateTime(job.created_at),
    started: formatDateTime(job.started_at),
    finished: formatDateTime(job.finished_at),
    result: status === "SUCCESS" ? { upload: upload.uuid, raster_source: rasterSource, timestamp } : null,
    error: status === "FAILURE" ? job.error || "The upload was rejected" : null,
  };
}
