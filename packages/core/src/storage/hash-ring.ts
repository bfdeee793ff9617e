/**
 * Layout of a {@link HashRing}'s control words (an `Int32Array` over
 * `control`), shared with the consumers' code on the hashing threads.
 * Positions are byte counts that wrap around 2^32; the ring index is the
 * position modulo the capacity (a power of two).
 *
 * Waiting uses flags rather than notifying on every write, because a notify
 * that reaches an `Atomics.waitAsync` costs a task on both threads: a party
 * about to wait sets its flag to 1, checks its condition again and waits
 * while the flag is 1; the other party clears the flag and notifies only
 * when the condition holds.
 */
export const RING = {
  /** Position up to which bytes have been written. */
  WRITE: 0,
  /** {@link RING_STATE} */
  STATE: 1,
  /** 1 while the producer waits for space. */
  PRODUCER_WAITING: 2,
  /** Position up to which consumer `i` has read is at `READ_BASE + 2 * i`, its waiting flag right after. */
  READ_BASE: 3,
  /** A consumer that caught up is woken once this many bytes are there for it (or the ring ends). */
  WAKE_BYTES: 1024 * 1024,
} as const;

/** Values of the control word {@link RING.STATE}. */
export const RING_STATE = { OPEN: 0, ENDED: 1, CANCELLED: 2 } as const;

/**
 * A single-producer, multi-consumer byte ring in shared memory: the producer
 * (a stream on the main thread) copies chunks in, consumers on other threads
 * read them in place. Each byte stays until every consumer has read it, and
 * the producer waits (asynchronously) for space when the ring is full, so
 * memory stays at `capacity` however fast data arrives.
 *
 * Handing data to a thread this way costs one `memcpy` and an occasional
 * wake-up, where `postMessage` of copies costs a message, an allocation and
 * a wake-up per batch on both threads.
 */
export class HashRing {
  /** The ring's bytes. */
  readonly data: SharedArrayBuffer;
  /** The control words, see {@link RING}. */
  readonly control: SharedArrayBuffer;
  /** Number of consumers; each reads every byte. */
  readonly consumers: number;
  readonly #bytes: Uint8Array;
  readonly #words: Int32Array;
  readonly #mask: number;
  #written = 0;
  #failure: Error | undefined;

  /** A ring of `capacity` bytes (a power of two, at most 2^30) read by `consumers` consumers. */
  constructor(capacity: number, consumers: number) {
    if (!Number.isInteger(Math.log2(capacity)) || capacity < RING.WAKE_BYTES || capacity > 2 ** 30) {
      throw new RangeError(`Ring capacity must be a power of two from ${RING.WAKE_BYTES} to 2^30, not ${capacity}`);
    }
    this.data = new SharedArrayBuffer(capacity);
    this.control = new SharedArrayBuffer((RING.READ_BASE + 2 * consumers) * Int32Array.BYTES_PER_ELEMENT);
    this.consumers = consumers;
    this.#bytes = new Uint8Array(this.data);
    this.#words = new Int32Array(this.control);
    this.#mask = capacity - 1;
  }

  /** Copies as much of `chunk[offset..]` as fits; returns the offset reached (`chunk.length` when all of it). */
  write(chunk: Uint8Array, offset = 0): number {
    if (this.#failure) throw this.#failure;
    let free = this.#bytes.length - this.#used();
    if (free === 0 || offset >= chunk.length) return offset;
    while (offset < chunk.length && free > 0) {
      const start = this.#written & this.#mask;
      const length = Math.min(chunk.length - offset, free, this.#bytes.length - start);
      copyInto(this.#bytes, start, offset === 0 && length === chunk.length ? chunk : chunk.subarray(offset, offset + length));
      offset += length;
      free -= length;
      this.#written = (this.#written + length) | 0;
    }
    Atomics.store(this.#words, RING.WRITE, this.#written);
    for (let i = 0; i < this.consumers; i++) {
      const waiting = RING.READ_BASE + 2 * i + 1;
      if (Atomics.load(this.#words, waiting) === 1 && this.#unread(i) >= RING.WAKE_BYTES) wake(this.#words, waiting);
    }
    return offset;
  }

  /** Resolves once there is free space (at once if there is); rejects after {@link fail} or {@link cancel}. */
  async space(): Promise<void> {
    const words = this.#words;
    for (;;) {
      if (this.#failure) throw this.#failure;
      if (Atomics.load(words, RING.STATE) === RING_STATE.CANCELLED) throw new Error("The hash ring was cancelled");
      if (this.#used() < this.#bytes.length) return;
      Atomics.store(words, RING.PRODUCER_WAITING, 1);
      if (this.#used() === this.#bytes.length && !this.#failure && Atomics.load(words, RING.STATE) !== RING_STATE.CANCELLED) {
        const wait = Atomics.waitAsync(words, RING.PRODUCER_WAITING, 1);
        if (wait.async) await wait.value;
      }
      Atomics.store(words, RING.PRODUCER_WAITING, 0);
    }
  }

  /** No more data: consumers finish what is in the ring. */
  end(): void {
    this.#setState(RING_STATE.ENDED);
  }

  /** Consumers stop as soon as they see it, without finishing. */
  cancel(): void {
    this.#setState(RING_STATE.CANCELLED);
  }

  /** A consumer is gone: the producer's waits and writes reject with `error` from now on. */
  fail(error: Error): void {
    this.#failure ??= error;
    wake(this.#words, RING.PRODUCER_WAITING);
  }

  /** Bytes written that consumer `i` has not read yet. */
  #unread(i: number): number {
    return (this.#written - Atomics.load(this.#words, RING.READ_BASE + 2 * i)) >>> 0;
  }

  /** Bytes written that the slowest consumer has not read yet. */
  #used(): number {
    let used = 0;
    for (let i = 0; i < this.consumers; i++) used = Math.max(used, this.#unread(i));
    return used;
  }

  #setState(state: number): void {
    if (Atomics.load(this.#words, RING.STATE) !== RING_STATE.OPEN) return;
    Atomics.store(this.#words, RING.STATE, state);
    for (let i = 0; i < this.consumers; i++) wake(this.#words, RING.READ_BASE + 2 * i + 1);
    // A producer waiting for space must not wait forever (a pending waitAsync also keeps the ring alive).
    wake(this.#words, RING.PRODUCER_WAITING);
  }
}

/** A private, 8-byte aligned buffer for {@link copyInto}. */
const bounce = new Uint8Array(256 * 1024);

/**
 * `target.set(source, at)`, fast also when `source` and the target position
 * are aligned differently: V8 copies into shared memory word by word only when
 * both sides have the same alignment, else byte by byte, which measured 2 GB/s
 * against 10-14 GB/s (socket data handed on as sub-arrays starts anywhere).
 * Going through a private buffer, placed to match the target, costs a copy at
 * private-memory speed instead.
 */
function copyInto(target: Uint8Array, at: number, source: Uint8Array): void {
  const shift = (target.byteOffset + at) & 7;
  if (((source.byteOffset - shift) & 7) === 0) {
    target.set(source, at);
    return;
  }
  const piece = bounce.length - 8;
  for (let done = 0; done < source.length; done += piece) {
    const length = Math.min(piece, source.length - done);
    bounce.set(source.subarray(done, done + length), shift);
    target.set(bounce.subarray(shift, shift + length), at + done);
  }
}

/** Clears the waiting flag at `index` and wakes whoever waits on it. */
function wake(words: Int32Array, index: number): void {
  Atomics.store(words, index, 0);
  Atomics.notify(words, index);
}
