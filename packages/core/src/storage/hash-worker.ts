import { Worker } from "node:worker_threads";
import { RING, RING_STATE, type HashRing } from "./hash-ring.js";

// Plain CommonJS evaluated in the worker, so it runs the same under tsc output, tsx and Jest.
// Each job hashes one consumer slot of a HashRing in place; jobs of concurrent streams interleave.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const RING = ${JSON.stringify(RING)};
const STATE = ${JSON.stringify(RING_STATE)};
// Hashed before the job yields to other jobs and to messages.
const SLICE = 1024 * 1024;
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

async function consume(job) {
  const words = new Int32Array(job.control);
  const capacity = job.data.byteLength;
  const hash = createHash(job.algorithm);
  const readAt = RING.READ_BASE + 2 * job.slot;
  const waitingAt = readAt + 1;
  const unread = () => (Atomics.load(words, RING.WRITE) - read) >>> 0;
  let read = Atomics.load(words, readAt);
  for (;;) {
    const state = Atomics.load(words, RING.STATE);
    if (state === STATE.CANCELLED) return null;
    const available = unread();
    if (available === 0 && state === STATE.ENDED) return hash.digest("hex");
    // Only a consumer that caught up waits, and then for a good amount: every wake-up costs both threads.
    if (available === 0 && state === STATE.OPEN) {
      // Announce the wait, then look again: the producer may have written just before it saw the flag.
      Atomics.store(words, waitingAt, 1);
      if (unread() < RING.WAKE_BYTES && Atomics.load(words, RING.STATE) === STATE.OPEN) {
        const wait = Atomics.waitAsync(words, waitingAt, 1);
        if (wait.async) await wait.value;
      }
      Atomics.store(words, waitingAt, 0);
      continue;
    }
    const start = read & (capacity - 1);
    const length = Math.min(available, capacity - start, SLICE);
    hash.update(new Uint8Array(job.data, start, length));
    read = (read + length) | 0;
    Atomics.store(words, readAt, read);
    if (Atomics.load(words, RING.PRODUCER_WAITING) === 1) {
      Atomics.store(words, RING.PRODUCER_WAITING, 0);
      Atomics.notify(words, RING.PRODUCER_WAITING);
    }
    await yieldToLoop();
  }
}

parentPort.on("message", (job) => {
  consume(job).then(
    (hex) => parentPort.postMessage({ id: job.id, hex }),
    (error) => parentPort.postMessage({ id: job.id, error: String(error && error.stack || error) }),
  );
});
`;

/** A worker's answer: the digest, null when the job was cancelled, or why it failed. */
type Reply = { id: number; hex: string | null; error?: undefined } | { id: number; error: string };

interface Job {
  ring: HashRing;
  resolve(hex: string): void;
  reject(error: Error): void;
}

/**
 * Hashes consumer slot `slot` of `ring` with `algorithm` (any
 * `crypto.createHash` name) on a shared hashing thread, one per slot, so the
 * slots of a ring are hashed in parallel. Resolves with the hex digest once
 * the ring has ended and been read; never settles if the ring is cancelled.
 */
export function hashOnWorker(ring: HashRing, slot: number, algorithm: string): Promise<string> {
  return HashWorker.lane(slot).start(ring, slot, algorithm);
}

/** One process-wide hashing thread; only keeps the process alive while a job is open. */
class HashWorker {
  static readonly #lanes: (HashWorker | undefined)[] = [];
  readonly #lane: number;
  readonly #worker: Worker;
  readonly #jobs = new Map<number, Job>();
  #nextId = 1;

  static lane(index: number): HashWorker {
    return (HashWorker.#lanes[index] ??= new HashWorker(index));
  }

  private constructor(lane: number) {
    this.#lane = lane;
    this.#worker = new Worker(WORKER_SOURCE, { eval: true });
    this.#worker.unref();
    this.#worker.on("message", (reply: Reply) => this.#onReply(reply));
    this.#worker.on("error", (error) => this.#fail(error));
    this.#worker.on("exit", (code) => this.#fail(new Error(`Hashing worker exited with code ${code}`)));
  }

  start(ring: HashRing, slot: number, algorithm: string): Promise<string> {
    const id = this.#nextId++;
    return new Promise<string>((resolve, reject) => {
      this.#jobs.set(id, { ring, resolve, reject });
      if (this.#jobs.size === 1) this.#worker.ref();
      this.#worker.postMessage({ id, algorithm, slot, data: ring.data, control: ring.control });
    });
  }

  #onReply(reply: Reply): void {
    const job = this.#jobs.get(reply.id);
    if (!job) return;
    this.#jobs.delete(reply.id);
    if (this.#jobs.size === 0) this.#worker.unref();
    if (reply.error !== undefined) {
      const error = new Error(`Hashing failed on the worker: ${reply.error}`);
      job.ring.fail(error);
      job.reject(error);
    } else if (reply.hex !== null) {
      job.resolve(reply.hex);
    }
  }

  #fail(error: Error): void {
    if (HashWorker.#lanes[this.#lane] === this) HashWorker.#lanes[this.#lane] = undefined;
    const jobs = [...this.#jobs.values()];
    this.#jobs.clear();
    for (const job of jobs) {
      job.ring.fail(error);
      job.reject(error);
    }
  }
}
