import type { JobHandler, JobQueue } from "./job-queue.js";

/**
 * The embedded backend: ids wait in memory and run in this process. Nothing
 * survives a restart, which is fine because the sweeper re-enqueues unfinished
 * uploads from the database on start.
 */
export class InProcessQueue implements JobQueue {
  readonly backend = "in-process";
  readonly #waiting: string[] = [];
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #running = new Set<Promise<void>>();
  #handler: JobHandler | null = null;
  #concurrency = 1;
  #closed = false;

  async ping(): Promise<void> {
    if (this.#closed) throw new Error("queue closed");
  }

  async enqueue(jobId: string, delayMs = 0): Promise<void> {
    if (this.#closed) return;
    if (delayMs <= 0) {
      this.#waiting.push(jobId);
      this.#drain();
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#waiting.push(jobId);
      this.#drain();
    }, delayMs);
    timer.unref();
    this.#timers.add(timer);
  }

  async consume(handler: JobHandler, concurrency: number): Promise<void> {
    this.#handler = handler;
    this.#concurrency = Math.max(1, concurrency);
    this.#drain();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#waiting.length = 0;
    await Promise.allSettled([...this.#running]);
  }

  #drain(): void {
    const handler = this.#handler;
    if (!handler || this.#closed) return;
    while (this.#running.size < this.#concurrency && this.#waiting.length > 0) {
      const jobId = this.#waiting.shift() as string;
      const run: Promise<void> = handler(jobId)
        .catch(() => undefined) // the runner records its own failures; a throw here must not stop the queue
        .finally(() => {
          this.#running.delete(run);
          this.#drain();
        });
      this.#running.add(run);
    }
  }
}
