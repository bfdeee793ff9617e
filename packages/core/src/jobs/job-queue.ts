/** What the router needs of the job backend for health checks. */
export interface QueueHealth {
  /** Backend name, e.g. `in-process` or `bullmq`. */
  readonly backend: string;
  /** Resolves when the backend is reachable; rejects otherwise. */
  ping(): Promise<void>;
}

/** Runs one job by its `Job.id`; resolves when the attempt is over (whatever its outcome). */
export type JobHandler = (jobId: string) => Promise<void>;

/**
 * Delivery of job ids to handlers. Deliberately thin: jobs carry only the
 * `Job.id`; state, attempts, retries and backoff live in the database and the
 * runner, so both backends behave the same and a lost message is harmless
 * (the sweeper re-enqueues from the database). Delivering an id twice must
 * be harmless too: the runner's guarded claim makes a second run a no-op.
 */
export interface JobQueue extends QueueHealth {
  /** Queues `jobId` to run after `delayMs` (default now). */
  enqueue(jobId: string, delayMs?: number): Promise<void>;
  /** Starts handing queued ids to `handler`, at most `concurrency` at a time. */
  consume(handler: JobHandler, concurrency: number): Promise<void>;
  /** Stops consuming, waits for running handlers, releases connections. */
  close(): Promise<void>;
}
