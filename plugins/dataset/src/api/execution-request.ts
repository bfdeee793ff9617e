/**
 * GeoNode's ExecutionRequest, rendered from the pipeline's one job model: an upload's job is
 * the execution request of the GeoNode upload that made it (`exec_id` = the job's id).
 */
import type { Job, Upload } from "@assets/core";
import type { OperationPayload, OperationResult } from "../operations/operation-kinds.js";

/** GeoNode's execution request states. */
export type ExecutionStatus = "ready" | "running" | "finished" | "failed";

const STATUS: Readonly<Record<Job["state"], ExecutionStatus>> = {
  queued: "ready",
  running: "running",
  // GeoNode has no retry state: a job waiting for its next attempt is still running.
  retry: "running",
  succeeded: "finished",
  failed: "failed",
};

/** The GeoNode status of a job. */
export function executionStatus(job: Pick<Job, "state">): ExecutionStatus {
  return STATUS[job.state];
}

/** What the job's upload step is at, as GeoNode's `step` names it. */
function stepOf(job: Job, upload: Upload): string {
  if (job.state === "succeeded") return "dataset.commit";
  if (job.state === "failed") return `dataset.${upload.state}`;
  return job.state === "queued" ? "dataset.received" : "dataset.processing";
}

/** The fields GeoNode's `execution-status` endpoint answers (flat) and its serializer wraps in `request`. */
export interface ExecutionRequestBody {
  exec_id: string;
  user: string | null;
  status: ExecutionStatus;
  func_name: string;
  created: string;
  finished: string | null;
  last_updated: string;
  input_params: Record<string, unknown>;
  output_params: Record<string, unknown>;
  step: string;
  log: string | null;
  geonode_resource: number | null;
  name: string;
  action: string;
  source: string;
  link: string;
}

/** Renders an upload's job as GeoNode's ExecutionRequest; `detailUrl(id)` is a resource's API URL. */
export function renderExecutionRequest(job: Job, upload: Upload, username: string | null, links: { self: string; resource: (id: number) => string }): ExecutionRequestBody {
  const resourceId = upload.resource_id;
  const finished = job.state === "succeeded" && resourceId !== null;
  return {
    exec_id: job.id,
    user: username,
    status: executionStatus(job),
    func_name: "import_resource",
    created: job.created_at.toISOString(),
    finished: job.finished_at?.toISOString() ?? null,
    last_updated: job.updated_at.toISOString(),
    input_params: { files: { base_file: upload.filename }, upload_id: upload.id, progress: job.progress },
    output_params: finished ? { resources: [{ id: resourceId, detail_url: links.resource(resourceId) }] } : {},
    step: stepOf(job, upload),
    log: job.state === "failed" ? (upload.state_detail || job.error) : job.state === "retry" ? job.error : null,
    geonode_resource: finished ? resourceId : null,
    name: upload.filename,
    action: "upload",
    source: "upload",
    link: links.self,
  };
}

/**
 * Renders an operation's job (copy, delete, update, create, ingest) as GeoNode's ExecutionRequest:
 * `input_params` as the request recorded them; when finished, `output_params` is
 * `{output: {uuid}}` (`{output: 1}` for delete), when failed GeoNode's `{error, exception}`.
 */
export function renderOperationRequest(job: Job, operation: OperationPayload, username: string | null, links: { self: string }): ExecutionRequestBody {
  const result = (job.state === "succeeded" ? job.result : null) as OperationResult | null;
  const failed = job.state === "failed";
  return {
    exec_id: job.id,
    user: username,
    status: executionStatus(job),
    func_name: operation.func_name,
    created: job.created_at.toISOString(),
    finished: job.finished_at?.toISOString() ?? null,
    last_updated: job.updated_at.toISOString(),
    input_params: operation.input_params,
    output_params: result
      ? result.output_params
      : failed
        ? { error: `Error occurred while executing the operation: '${operation.func_name}'`, exception: job.error }
        : {},
    step: operation.func_name,
    log: failed ? job.error : job.state === "retry" ? job.error : null,
    geonode_resource: result ? result.resource_id : (operation.resource_id ?? null),
    name: operation.func_name,
    action: operation.func_name,
    source: "resource_service",
    link: links.self,
  };
}
