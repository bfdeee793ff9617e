/**
 * GeoNode's resource-service operations (`copy`, `delete`, `update`, `create`, `ingest`) as job
 * kinds of the pipeline's one queue: the route authorizes and enqueues, the job runs as the
 * caller (their permissions in every query, as at the request), and the execution-request
 * endpoints render the Job row as GeoNode's ExecutionRequest.
 */
import type { ResourceBaseCreate, ResourceBasePatch } from "../api/resource-base-service.js";

/** GeoNode's `func_name` of each operation. */
export const OPERATIONS = ["copy", "delete", "update", "create", "ingest"] as const;
export type GeonodeOperation = (typeof OPERATIONS)[number];

const PREFIX = "geonode.";

/** `Job.kind` of an operation. */
export function operationKind(operation: GeonodeOperation): string {
  return `${PREFIX}${operation}`;
}

/** The operation a job kind stands for, or null for any other kind (an upload's). */
export function operationOf(kind: string): GeonodeOperation | null {
  const name = kind.startsWith(PREFIX) ? kind.slice(PREFIX.length) : "";
  return (OPERATIONS as readonly string[]).includes(name) ? (name as GeonodeOperation) : null;
}

/** What an operation's Job carries (JSON). */
export interface OperationPayload {
  func_name: GeonodeOperation;
  /** As GeoNode records them on the ExecutionRequest. */
  input_params: Record<string, unknown>;
  /** The API key's scopes the caller used: the job runs with the same. */
  scopes: string[];
  /** copy, delete, update: the resource operated on. */
  resource_id?: number;
  /** copy: the copy's new title, if given. */
  title?: string;
  /** update: the fields to write. */
  patch?: ResourceBasePatch;
  /** create, ingest: the new resource. */
  create?: ResourceBaseCreate;
}

/** What an operation's Job records as its result. */
export interface OperationResult {
  /** GeoNode's `output_params` of a finished request. */
  output_params: { output: unknown };
  /** The resource the operation made or changed (null for delete). */
  resource_id: number | null;
}
