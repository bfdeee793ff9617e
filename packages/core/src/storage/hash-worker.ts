import { Worker } from "node:worker_threads";

/** Bytes a job may have posted but not yet hashed before `update` waits. */
export const MAX_IN_FLIGHT_BYTES = 8 * 1024 * 1024;

// Plain CommonJS evaluated in the worker, so it runs the same under tsc output, tsx and Jest.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const jobs = new Map();
parentPort.on("message", (m) => {
  if (m.type === "data") {
    let hash = jobs.get(m.id);
    if (!hash) jobs.set(m.id, (hash = createHash(m.algorithm)));
    hash.update(new Uint8Array(m.buffer, 0, m.length));
    parentPort.postMessage({ type: "ack", id: m.id, length: m.length });
  } else if (m.type === "end") {
    const hash = jobs.get(m.id) ?? createHash(m.algorithm);
    jobs.delete(m.id);
    parentPort.postMessage({ type: "digest", id: m.id, hex: hash.digest("hex") });
  } else if (m.type === "cancel") {
    jobs.delete(m.id);
  }
});
`;

type Reply = { type: "ack"; id: number; length: number } | { type: "digest"; id: number; hex: string };

interface Deferred<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

/**
 * One hash computed on the shared hashing worker thread. Buffers passed to
 * {@link update} are transferred, so callers hand over a private copy.
 */
export class OffloadedHash {
  readonly #pool: HashWorker;
  readonly #id: number;
  readonly #algorithm: string;
  #inFlight = 0;
  #drain: Deferred<void> | undefined;
  #digest: Deferred<string> | undefined;
  #done = false;

  /** Starts a job computing `algorithm` (any `crypto.createHash` name). */
  constructor(algorithm: string) {
    this.#pool = HashWorker.shared();
    this.#algorithm = algorithm;
    this.#id = this.#pool.register(this);
  }

  /** Hashes `buffer[0, length)`; resolves once the job is back under {@link MAX_IN_FLIGHT_BYTES}. */
  update(buffer: ArrayBuffer, length: number): Promise<void> {
    this.#inFlight += length;
    this.#pool.post({ type: "data", id: this.#id, algorithm: this.#algorithm, buffer, length }, [buffer]);
    if (this.#inFlight <= MAX_IN_FLIGHT_BYTES) return Promise.resolve();
    return new Promise((resolve, reject) => (this.#drain = { resolve, reject }));
  }

  /** Finishes the job and resolves with the hex digest. */
  digest(): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#digest = { resolve, reject };
      this.#pool.post({ type: "end", id: this.#id, algorithm: this.#algorithm });
    });
  }

  /** Drops the job; pending promises never settle. */
  cancel(): void {
    if (this.#done) return;
    this.#pool.post({ type: "cancel", id: this.#id });
    this.#finish();
  }

  /** @internal Called by the pool. */
  onReply(reply: Reply): void {
    if (reply.type === "ack") {
      this.#inFlight -= reply.length;
      if (this.#drain && this.#inFlight <= MAX_IN_FLIGHT_BYTES) {
        this.#drain.resolve();
        this.#drain = undefined;
      }
    } else {
      this.#finish();
      this.#digest?.resolve(reply.hex);
    }
  }

  /** @internal Called by the pool when the worker dies. */
  onFailure(error: Error): void {
    this.#finish();
    this.#drain?.reject(error);
    this.#digest?.reject(error);
  }

  #finish(): void {
    this.#done = true;
    this.#pool.unregister(this.#id);
  }
}

/** The process-wide hashing thread; only keeps the process alive while a job is open. */
class HashWorker {
  static #instance: HashWorker | undefined;
  readonly #worker: Worker;
  readonly #jobs = new Map<number, OffloadedHash>();
  #nextId = 1;

  static shared(): HashWorker {
    return (HashWorker.#instance ??= new HashWorker());
  }

  private constructor() {
    this.#worker = new Worker(WORKER_SOURCE, { eval: true });
    this.#worker.unref();
    this.#worker.on("message", (reply: Reply) => this.#jobs.get(reply.id)?.onReply(reply));
    this.#worker.on("error", (error) => this.#fail(error));
    this.#worker.on("exit", (code) => this.#fail(new Error(`Hashing worker exited with code ${code}`)));
  }

  register(job: OffloadedHash): number {
    const id = this.#nextId++;
    this.#jobs.set(id, job);
    if (this.#jobs.size === 1) this.#worker.ref();
    return id;
  }

  unregister(id: number): void {
    if (this.#jobs.delete(id) && this.#jobs.size === 0) this.#worker.unref();
  }

  post(message: object, transfer: ArrayBuffer[] = []): void {
    this.#worker.postMessage(message, transfer);
  }

  #fail(error: Error): void {
    if (HashWorker.#instance === this) HashWorker.#instance = undefined;
    for (const job of [...this.#jobs.values()]) job.onFailure(error);
  }
}
