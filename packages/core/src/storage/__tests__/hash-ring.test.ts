import { describe, expect, it } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { HashRing, RING, RING_STATE } from "../hash-ring.js";
import { hashOnWorker } from "../hash-worker.js";
import { createHashingStream } from "../hashing-stream.js";

const CAPACITY = 1024 * 1024;

/** Acts as consumer `slot` on this thread: reads up to `max` bytes and advances its position. */
function consume(ring: HashRing, slot: number, max = Infinity): Buffer {
  const words = new Int32Array(ring.control);
  const readAt = RING.READ_BASE + 2 * slot;
  const read = Atomics.load(words, readAt);
  const length = Math.min(max, (Atomics.load(words, RING.WRITE) - read) >>> 0);
  const out = Buffer.alloc(length);
  const bytes = new Uint8Array(ring.data);
  for (let i = 0; i < length; i++) out[i] = bytes[(read + i) & (CAPACITY - 1)]!;
  Atomics.store(words, readAt, (read + length) | 0);
  if (Atomics.load(words, RING.PRODUCER_WAITING) === 1) {
    Atomics.store(words, RING.PRODUCER_WAITING, 0);
    Atomics.notify(words, RING.PRODUCER_WAITING);
  }
  return out;
}

describe("HashRing", () => {
  it("rejects a capacity that is not a power of two", () => {
    expect(() => new HashRing(3 * 1024 * 1024, 1)).toThrow(RangeError);
  });

  it("passes bytes through intact across wrap-arounds, whatever their alignment", () => {
    const ring = new HashRing(CAPACITY, 1);
    const source = randomBytes(5 * CAPACITY + 13);
    const received: Buffer[] = [];
    let offset = 0;
    let step = 1;
    while (offset < source.length) {
      // Odd lengths at odd offsets: the unaligned copies go through the bounce buffer.
      const length = Math.min(source.length - offset, 1 + ((step++ * 77_777) % 300_001));
      const chunk = source.subarray(offset, offset + length);
      let at = 0;
      while (at < chunk.length) {
        at = ring.write(chunk, at);
        if (at < chunk.length) received.push(consume(ring, 0));
      }
      offset += length;
    }
    received.push(consume(ring, 0));
    expect(Buffer.concat(received).equals(source)).toBe(true);
  });

  it("keeps bytes until the slowest consumer has read them", async () => {
    const ring = new HashRing(CAPACITY, 2);
    const data = randomBytes(CAPACITY + 100);
    expect(ring.write(data)).toBe(CAPACITY);
    consume(ring, 0);
    expect(ring.write(data, CAPACITY)).toBe(CAPACITY); // slot 1 has read nothing: still full
    let spaced = false;
    const waiting = ring.space().then(() => (spaced = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(spaced).toBe(false);
    consume(ring, 1, 60);
    await waiting;
    expect(ring.write(data, CAPACITY)).toBe(CAPACITY + 60);
  });

  it("wakes a producer waiting for space when cancelled or failed", async () => {
    const cancelled = new HashRing(CAPACITY, 1);
    cancelled.write(randomBytes(CAPACITY));
    const waiting = cancelled.space();
    cancelled.cancel();
    await expect(waiting).rejects.toThrow("cancelled");
    expect(Atomics.load(new Int32Array(cancelled.control), RING.STATE)).toBe(RING_STATE.CANCELLED);

    const failed = new HashRing(CAPACITY, 1);
    failed.write(randomBytes(CAPACITY));
    const stuck = failed.space();
    failed.fail(new Error("worker died"));
    await expect(stuck).rejects.toThrow("worker died");
    expect(() => failed.write(Buffer.alloc(1))).toThrow("worker died");
  });

  it("is hashed on the worker threads while the producer waits for space", async () => {
    const ring = new HashRing(CAPACITY, 2);
    const data = randomBytes(7 * CAPACITY + 5);
    const digests = Promise.all([hashOnWorker(ring, 0, "md5"), hashOnWorker(ring, 1, "sha256")]);
    for (let at = ring.write(data); at < data.length; at = ring.write(data, at)) await ring.space();
    ring.end();
    expect(await digests).toEqual([createHash("md5").update(data).digest("hex"), createHash("sha256").update(data).digest("hex")]);
  });
});

describe("createHashingStream over the ring", () => {
  it("hashes trickling, unaligned chunks correctly (consumers wait and are woken)", async () => {
    const data = randomBytes(9 * 1024 * 1024 + 3);
    async function* trickle() {
      for (let offset = 0; offset < data.length; ) {
        const length = Math.min(data.length - offset, 1 + ((offset * 31) % 200_000));
        yield data.subarray(offset, offset + length);
        offset += length;
        if (offset % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    }
    const hashing = createHashingStream();
    const out = createHash("sha256");
    await pipeline(Readable.from(trickle()), hashing, new Writable({ write: (chunk: Buffer, _e, cb) => { out.update(chunk); cb(); } }));
    expect(await hashing.result).toEqual({ md5: createHash("md5").update(data).digest("hex"), sha256: createHash("sha256").update(data).digest("hex"), size: data.length });
    expect(out.digest("hex")).toBe(createHash("sha256").update(data).digest("hex"));
  });

  it("keeps working after a stream is destroyed while it waits for space", async () => {
    const hashing = createHashingStream();
    hashing.on("error", () => undefined);
    hashing.resume();
    for (let i = 0; i < 12; i++) hashing.write(randomBytes(1024 * 1024));
    await new Promise((resolve) => setTimeout(resolve, 10));
    hashing.destroy(new Error("gone"));
    await expect(hashing.result).rejects.toThrow("gone");

    const data = randomBytes(3 * 1024 * 1024);
    const next = createHashingStream();
    await pipeline(Readable.from([data]), next, new Writable({ write: (_c, _e, cb) => cb() }));
    expect((await next.result).md5).toBe(createHash("md5").update(data).digest("hex"));
  });
});
