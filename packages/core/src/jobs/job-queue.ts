/** What the router needs of the job backend for health checks; the pipeline extends it. */
export interface QueueHealth {
  /** Backend name, e.g. `in-process` or `bullmq`. */
  readonly backend: string;
  /** Resolves when the backend is reachable; rejects otherwise. */
  ping(): Promise<void>;
}
