// The storage contract as a driver outside the repository runs it: from @assets/core/testing,
// with a driver defined here (a bounded in-memory store). It declares none of the optional
// methods, so their tests show as skipped.
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { MAX_READ_LENGTH, StorageNotFoundError, assertValidKey, type PutOptions, type PutResult, type StorageDriver, type StorageStat } from "@assets/core";
import { describeStorageContract } from "@assets/core/testing";

/** Objects in a Map; a put collects into a pending buffer and becomes visible only when complete. */
class MemoryStorage implements StorageDriver {
  readonly name = "memory";
  readonly #objects = new Map<string, { data: Buffer; modifiedAt: Date }>();
  #pending = 0;

  /** Puts under way (the contract's leftovers: none may remain after a failed put). */
  get pending(): number {
    return this.#pending;
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<PutResult> {
    try {
      assertValidKey(key);
    } catch (error) {
      body.destroy();
      throw error;
    }
    const chunks: Buffer[] = [];
    this.#pending += 1;
    try {
      // pipeline destroys the body when it fails or the signal aborts (rejecting with an AbortError).
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          done();
        },
      });
      await pipeline(body, sink, { signal: options.signal });
    } finally {
      this.#pending -= 1;
    }
    const data = Buffer.concat(chunks);
    this.#objects.set(key, { data, modifiedAt: new Date() });
    return { size: data.length };
  }

  #object(key: string) {
    assertValidKey(key);
    const object = this.#objects.get(key);
    if (!object) throw new StorageNotFoundError(key);
    return object;
  }

  async get(key: string): Promise<Readable> {
    return Readable.from([this.#object(key).data]);
  }

  async getRange(key: string, start: number, endInclusive: number): Promise<Readable> {
    const { data } = this.#object(key);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(endInclusive) || start < 0 || endInclusive < start || start >= data.length) {
      throw new RangeError(`Invalid byte range ${start}-${endInclusive} of ${data.length} bytes`);
    }
    return Readable.from([data.subarray(start, Math.min(endInclusive + 1, data.length))]);
  }

  async read(key: string, offset: number, length: number): Promise<Uint8Array> {
    const { data } = this.#object(key);
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0 || length > MAX_READ_LENGTH) {
      throw new RangeError(`Invalid read ${offset}+${length}`);
    }
    return Uint8Array.from(data.subarray(offset, offset + length));
  }

  async stat(key: string): Promise<StorageStat | null> {
    assertValidKey(key);
    const object = this.#objects.get(key);
    return object ? { size: object.data.length, modifiedAt: object.modifiedAt } : null;
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    this.#objects.delete(key);
  }
}

describeStorageContract("MemoryStorage (defined in this test file)", async () => {
  const driver = new MemoryStorage();
  return {
    driver,
    cleanup: async () => undefined,
    leftovers: async () => Array.from({ length: driver.pending }, (_, i) => `pending put ${i + 1}`),
  };
});
