/**
 * Makes each derivative once: concurrent requests for one key share one render, a stored
 * derivative is never rendered again, and renders in flight are bounded (a short queue,
 * then 429). A failed render leaves nothing stored (puts are atomic) and the next request
 * tries again.
 */
import type { Readable } from "node:stream";
import { Errors, type StorageDriver } from "@assets/core";

/** Options of {@link DerivativeMaker}. */
export interface DerivativeMakerOptions {
  storage: StorageDriver;
  /** Renders running at once (default 4: libvips already uses every core for one). */
  maxInFlight?: number;
  /** Renders waiting for a slot before further ones are refused with 429 (default 32). */
  maxQueued?: number;
}

/** How {@link DerivativeMaker.ensure} found the derivative. */
export type EnsureOutcome = "stored" | "made";

export class DerivativeMaker {
  private readonly storage: StorageDriver;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;
  private readonly pending = new Map<string, Promise<EnsureOutcome>>();
  private readonly queue: Array<() => void> = [];
  private running = 0;
  private renders = 0;

  constructor(options: DerivativeMakerOptions) {
    this.storage = options.storage;
    this.maxInFlight = options.maxInFlight ?? 4;
    this.maxQueued = options.maxQueued ?? 32;
  }

  /** Renders in flight and waiting, and renders started since this maker was made, for health checks and tests. */
  get load(): { running: number; queued: number; rendered: number } {
    return { running: this.running, queued: this.queue.length, rendered: this.renders };
  }

  /**
   * Resolves once `key` is stored, calling `render` (a stream of the encoded bytes) only if
   * it is not, and only once for concurrent callers. Rejects with TOO_MANY_REQUESTS when
   * every slot and the queue are taken.
   */
  ensure(key: string, render: () => Readable, options: { contentType?: string } = {}): Promise<EnsureOutcome> {
    let promise = this.pending.get(key);
    if (!promise) {
      promise = this.make(key, render, options.contentType).finally(() => this.pending.delete(key));
      this.pending.set(key, promise);
    }
    return promise;
  }

  private async make(key: string, render: () => Readable, contentType: string | undefined): Promise<EnsureOutcome> {
    if (await this.storage.exists(key)) return "stored";
    await this.acquire();
    try {
      this.renders += 1;
      await this.storage.put(key, render(), { contentType });
      return "made";
    } finally {
      this.release();
    }
  }

  private async acquire(): Promise<void> {
    if (this.running < this.maxInFlight) {
      this.running += 1;
      return;
    }
    if (this.queue.length >= this.maxQueued) {
      throw Errors.TOO_MANY_REQUESTS({ detail: "Too many image transforms in progress; try again shortly", headers: { "Retry-After": "1" } });
    }
    // The releasing render hands its slot straight over, so `running` stays counted.
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.running -= 1;
  }
}
