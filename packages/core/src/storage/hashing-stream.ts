import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { HashRing } from "./hash-ring.js";
import { hashOnWorker } from "./hash-worker.js";

/** Digests of everything that passed through a {@link HashingStream}. */
export interface HashResult {
  /** Lower-case hex MD5. */
  md5: string;
  /** Lower-case hex SHA-256. */
  sha256: string;
  /** Byte count. */
  size: number;
}

/** Options for {@link createHashingStream}. */
export interface HashingStreamOptions {
  /**
   * Expected digests (hex, any case). On a mismatch the stream errors with
   * {@link ChecksumMismatchError} instead of ending, so a driver `put` fed
   * by it rejects and commits nothing.
   */
  expect?: { md5?: string; sha256?: string };
  /**
   * Compute the digests on two shared hashing threads, one each, instead of
   * on this thread (default `true`). The bytes reach them through a shared
   * ring buffer, copied in once and read by both in place. MD5 alone runs at
   * ~600 MB/s and nothing can split it, so throughput can only approach
   * `md5sum` when everything else (sockets, parsing, file writes, SHA-256)
   * happens beside it. Inputs under 1 MiB are hashed here at the end and
   * never touch the threads.
   */
  offload?: boolean;
}

/** Raised by a {@link HashingStream} whose data does not match `expect`. */
export class ChecksumMismatchError extends Error {
  /** Which digest differed. */
  readonly algorithm: "md5" | "sha256";
  /** The digest the caller expected (lower-case). */
  readonly expected: string;
  /** The digest of the data actually received. */
  readonly actual: string;

  constructor(algorithm: "md5" | "sha256", expected: string, actual: string) {
    super(`${algorithm} mismatch: expected ${expected}, got ${actual}`);
    this.name = "ChecksumMismatchError";
    this.algorithm = algorithm;
    this.expected = expected;
    this.actual = actual;
  }
}

/** Inputs smaller than this are hashed inline at the end: a thread hand-off would cost more. */
const OFFLOAD_THRESHOLD = 1024 * 1024;
/** Shared memory per offloaded stream; the stream waits when the slower thread is this far behind. */
const RING_BYTES = 8 * 1024 * 1024;
/** The digests in ring-slot order (each slot has a thread of its own). */
const ALGORITHMS = ["md5", "sha256"] as const;

/**
 * A pass-through Transform that computes MD5, SHA-256 and the byte count of
 * the data flowing through it. {@link result} resolves when the stream ends
 * and rejects if it errors or is destroyed first. Chunks pass through as they
 * are (never copied or modified).
 */
export class HashingStream extends Transform {
  /** Settles when the stream ends (or fails). */
  readonly result: Promise<HashResult>;
  readonly #expect: { md5?: string; sha256?: string };
  readonly #offload: boolean;
  /** The hashes computed on this thread: all along without offloading, else only for small inputs. */
  readonly #inline: Hash[] | undefined;
  /** The first chunks, until there are enough to offload. */
  #head: Buffer[] = [];
  #headBytes = 0;
  #ring: HashRing | undefined;
  #digests: Promise<string[]> | undefined;
  #size = 0;
  #settled = false;
  #resolve!: (result: HashResult) => void;
  #reject!: (error: Error) => void;

  constructor(options: HashingStreamOptions = {}) {
    super();
    this.#expect = {
      md5: options.expect?.md5?.toLowerCase(),
      sha256: options.expect?.sha256?.toLowerCase(),
    };
    this.#offload = options.offload !== false;
    if (!this.#offload) this.#inline = ALGORITHMS.map((algorithm) => createHash(algorithm));
    this.result = new Promise<HashResult>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Callers that only watch the stream's own errors must not get an unhandled rejection.
    this.result.catch(() => undefined);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#size += chunk.length;
    this.push(chunk);
    if (this.#inline) {
      for (const hash of this.#inline) hash.update(chunk);
      return callback();
    }
    if (this.#ring) return this.#copy([chunk], callback);
    this.#head.push(chunk);
    this.#headBytes += chunk.length;
    if (this.#headBytes < OFFLOAD_THRESHOLD) return callback();
    const ring = (this.#ring = new HashRing(RING_BYTES, ALGORITHMS.length));
    this.#digests = Promise.all(ALGORITHMS.map((algorithm, slot) => hashOnWorker(ring, slot, algorithm)));
    this.#digests.catch(() => undefined); // a failure also fails the ring, which errors the stream
    const head = this.#head;
    this.#head = [];
    this.#copy(head, callback);
  }

  override _flush(callback: TransformCallback): void {
    this.#finish().then(
      (result) => {
        this.#settle(result);
        callback();
      },
      (error: Error) => callback(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#ring?.cancel();
    this.#settle(error ?? new Error("Hashing stream was destroyed before it ended"));
    callback(error);
  }

  /** Copies `chunks` into the ring; calls back at once when they fit, else once they are all in. */
  #copy(chunks: Buffer[], callback: TransformCallback): void {
    const ring = this.#ring!;
    try {
      for (let i = 0; i < chunks.length; i++) {
        const offset = ring.write(chunks[i]);
        if (offset < chunks[i].length) {
          copyWhenFree(ring, chunks, i, offset).then(() => callback(), callback);
          return;
        }
      }
    } catch (error) {
      return callback(error as Error);
    }
    callback();
  }

  async #finish(): Promise<HashResult> {
    let digests: string[];
    if (this.#ring) {
      this.#ring.end();
      digests = await this.#digests!;
    } else {
      const hashes = this.#inline ?? ALGORITHMS.map((algorithm) => createHash(algorithm));
      for (const chunk of this.#head) for (const hash of hashes) hash.update(chunk);
      this.#head = [];
      digests = hashes.map((hash) => hash.digest("hex"));
    }
    const [md5, sha256] = digests;
    const result = { md5, sha256, size: this.#size };
    const expect = this.#expect;
    if (expect.md5 && expect.md5 !== result.md5) throw new ChecksumMismatchError("md5", expect.md5, result.md5);
    if (expect.sha256 && expect.sha256 !== result.sha256) {
      throw new ChecksumMismatchError("sha256", expect.sha256, result.sha256);
    }
    return result;
  }

  #settle(outcome: HashResult | Error): void {
    if (this.#settled) return;
    this.#settled = true;
    if (outcome instanceof Error) this.#reject(outcome);
    else this.#resolve(outcome);
  }
}

/** Copies `chunks[index..]` (the first from `offset`) into `ring`, waiting for space as needed. */
async function copyWhenFree(ring: HashRing, chunks: Buffer[], index: number, offset: number): Promise<void> {
  for (; index < chunks.length; index++, offset = 0) {
    while (offset < chunks[index].length) {
      await ring.space();
      offset = ring.write(chunks[index], offset);
    }
  }
}

/**
 * Creates a {@link HashingStream}. Typical ingest, verifying before commit:
 *
 * ```ts
 * const hashing = createHashingStream({ expect: { sha256 } });
 * const [{ size }] = await Promise.all([storage.put(key, hashing), pipeline(source, hashing)]);
 * const { md5 } = await hashing.result;
 * ```
 *
 * Verification is optional: without `expect`, compare `result` yourself.
 */
export function createHashingStream(options?: HashingStreamOptions): HashingStream {
  return new HashingStream(options);
}
