// Test-only: imports @jest/globals. Exported as `@assets/core/testing`, not from the main entry.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { StorageNotFoundError, type StorageDriver } from "../storage/storage-driver.js";
import { InvalidStorageKeyError } from "../storage/storage-key.js";
import { stallingStream } from "./streams.js";

/** What a driver's test file provides to {@link describeStorageContract}. */
export interface StorageContractFixture {
  /** The driver under test, on empty storage. */
  driver: StorageDriver;
  /** Releases everything `make` created. */
  cleanup(): Promise<void>;
  /** Lists in-progress/temporary artifacts (e.g. staging files); must be empty after failed puts. */
  leftovers?(): Promise<string[]>;
  /** A second driver on the same storage, as another process would have one (for the abandoned-write test). */
  twin?(): Promise<StorageDriver>;
}

const CHUNK = 64 * 1024;
const BLOCK = randomBytes(CHUNK);

/** Byte `offset` of the deterministic pattern: 64 KiB chunks of one random block, each stamped with its index. */
function patternSlice(start: number, endExclusive: number): Buffer {
  const out = Buffer.alloc(endExclusive - start);
  for (let offset = start; offset < endExclusive; offset++) {
    const within = offset % CHUNK;
    const stamp = Buffer.alloc(4);
    stamp.writeUInt32BE(Math.floor(offset / CHUNK));
    out[offset - start] = within < 4 ? stamp[within]! : BLOCK[within]!;
  }
  return out;
}

async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Streams `size` bytes of the pattern, lazily, optionally failing after `failAfter` bytes. */
function patternStream(size: number, options: { failAfter?: number; delayMs?: number } = {}): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (options.failAfter !== undefined && sent >= options.failAfter) {
        this.destroy(new Error("source failed mid-way"));
        return;
      }
      if (sent >= size) {
        this.push(null);
        return;
      }
      const chunk = Buffer.from(BLOCK.subarray(0, Math.min(CHUNK, size - sent)));
      const stamp = Buffer.alloc(4);
      stamp.writeUInt32BE(sent / CHUNK);
      stamp.copy(chunk, 0, 0, Math.min(4, chunk.length));
      sent += chunk.length;
      if (options.delayMs) setTimeout(() => this.push(chunk), options.delayMs);
      else this.push(chunk);
    },
  });
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function sha256Of(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), size };
}

const unique = (label: string) => `tmp/${label}-${randomBytes(6).toString("hex")}`;

const OPTIONAL_METHODS = ["move", "link", "list", "removeAbandonedWrites"] as const;

/**
 * The optional methods of {@link StorageDriver} a driver implements. Their tests run for the
 * declared ones and show as skipped for the others; declaring one the driver lacks, or having
 * one undeclared, fails the suite.
 */
export type StorageCapabilities = Partial<Record<(typeof OPTIONAL_METHODS)[number], boolean>>;

/** A capability's tests: run when the driver declares it, else listed as skipped. */
function optional(capability: string, declared: boolean | undefined, tests: () => void): void {
  if (declared) describe(`optional: ${capability}`, tests);
  else describe.skip(`optional: ${capability} (not declared by this driver)`, tests);
}

/**
 * Declares the behaviour every {@link StorageDriver} must have, as one Jest
 * `describe` block split by capability: reads and writes, atomic writes, keys,
 * and each optional method the driver declares in `capabilities` (the others
 * show as skipped). `make` runs once for the suite; tests use distinct keys.
 * A driver's test file runs it with `import { describeStorageContract } from "@assets/core/testing"`.
 */
export function describeStorageContract(name: string, make: () => Promise<StorageContractFixture>, capabilities: StorageCapabilities = {}): void {
  describe(`StorageDriver contract: ${name}`, () => {
    let fixture: StorageContractFixture;
    let driver: StorageDriver;
    const put = (key: string, data: Buffer | Readable) =>
      driver.put(key, Buffer.isBuffer(data) ? Readable.from([data]) : data);
    const expectNoLeftovers = async () => {
      if (fixture.leftovers) expect(await fixture.leftovers()).toEqual([]);
    };

    beforeAll(async () => {
      fixture = await make();
      driver = fixture.driver;
    });
    afterAll(async () => {
      await fixture?.cleanup();
    });

    describe("reads and writes", () => {
      it("has a name", () => {
        expect(typeof driver.name).toBe("string");
        expect(driver.name.length).toBeGreaterThan(0);
      });

      it("round-trips bytes and reports the size", async () => {
        const key = `objects/ab/cd/${createHash("sha256").update(name).digest("hex")}`;
        const data = Buffer.from("hello, storage \u00e9\u0000\u00ff");
        expect(await put(key, data)).toEqual({ size: data.length });
        expect(await collect(await driver.get(key))).toEqual(data);
        await driver.delete(key);
      });

      it("round-trips an empty object", async () => {
        const key = unique("empty");
        expect(await put(key, Readable.from([]))).toEqual({ size: 0 });
        expect(await collect(await driver.get(key))).toEqual(Buffer.alloc(0));
        expect((await driver.stat(key))?.size).toBe(0);
      });

      it("serves byte ranges", async () => {
        const key = unique("range");
        const size = 1000;
        await put(key, patternStream(size));
        const range = async (start: number, end: number) => collect(await driver.getRange(key, start, end));
        expect(await range(0, 0)).toEqual(patternSlice(0, 1));
        expect(await range(size - 1, size - 1)).toEqual(patternSlice(size - 1, size));
        expect(await range(100, 199)).toEqual(patternSlice(100, 200));
        expect(await range(0, size - 1)).toEqual(patternSlice(0, size));
        expect(await range(990, 5000)).toEqual(patternSlice(990, size));
        await expect(driver.getRange(key, size, size + 10)).rejects.toBeInstanceOf(RangeError);
        await expect(driver.getRange(key, 10, 5)).rejects.toBeInstanceOf(RangeError);
        await expect(driver.getRange(key, -1, 5)).rejects.toBeInstanceOf(RangeError);
        await expect(driver.getRange(unique("missing"), 0, 1)).rejects.toBeInstanceOf(StorageNotFoundError);
      });

      it("reads small slices for header sniffing", async () => {
        const key = unique("read");
        await put(key, patternStream(500));
        expect(Buffer.from(await driver.read(key, 0, 16))).toEqual(patternSlice(0, 16));
        expect(Buffer.from(await driver.read(key, 490, 100))).toEqual(patternSlice(490, 500));
        expect(await driver.read(key, 500, 10)).toHaveLength(0);
        expect(await driver.read(key, 0, 0)).toHaveLength(0);
        await expect(driver.read(unique("missing"), 0, 16)).rejects.toBeInstanceOf(StorageNotFoundError);
        await expect(driver.read(key, 0, -1)).rejects.toBeInstanceOf(RangeError);
      });

      it("stats existing objects and returns null for missing ones", async () => {
        const key = unique("stat");
        const before = Date.now();
        await put(key, randomBytes(1234));
        const info = await driver.stat(key);
        expect(info?.size).toBe(1234);
        expect(typeof info?.modifiedAt.getTime()).toBe("number");
        expect(Math.abs(info!.modifiedAt.getTime() - before)).toBeLessThan(60_000);
        expect(await driver.stat(unique("missing"))).toBeNull();
      });

      it("checks existence and deletes idempotently", async () => {
        const key = unique("delete");
        expect(await driver.exists(key)).toBe(false);
        await driver.delete(key);
        await put(key, Buffer.from("x"));
        expect(await driver.exists(key)).toBe(true);
        await driver.delete(key);
        await driver.delete(key);
        expect(await driver.exists(key)).toBe(false);
        await expect(driver.get(key)).rejects.toBeInstanceOf(StorageNotFoundError);
      });

      it("overwrites an existing object", async () => {
        const key = unique("overwrite");
        await put(key, Buffer.from("first version, longer"));
        await put(key, Buffer.from("second"));
        expect((await collect(await driver.get(key))).toString()).toBe("second");
        expect((await driver.stat(key))?.size).toBe(6);
      });

      it("streams a 20 MB object intact", async () => {
        const key = unique("large");
        const size = 20 * 1024 * 1024 + 12345;
        const sent = await sha256Of(patternStream(size));
        expect(await driver.put(key, patternStream(size))).toEqual({ size });
        expect(await sha256Of(await driver.get(key))).toEqual(sent);
        expect((await driver.stat(key))?.size).toBe(size);
        const boundary = 8 * 1024 * 1024;
        expect(await collect(await driver.getRange(key, boundary - 100, boundary + 99))).toEqual(
          patternSlice(boundary - 100, boundary + 100),
        );
        await driver.delete(key);
      });

      it("handles concurrent puts of different keys", async () => {
        const objects = Array.from({ length: 8 }, (_, i) => ({ key: unique(`concurrent-${i}`), data: randomBytes(300_000 + i) }));
        await Promise.all(objects.map(({ key, data }) => put(key, Readable.from([data.subarray(0, 1000), data.subarray(1000)]))));
        // Compare digests: Jest's deep equality on 300 KB buffers takes seconds.
        const digest = (data: Buffer) => createHash("sha256").update(data).digest("hex");
        for (const { key, data } of objects) expect(digest(await collect(await driver.get(key)))).toBe(digest(data));
      });
    });

    describe("atomic writes", () => {
      it("leaves nothing behind when the source stream fails mid-way", async () => {
        const key = unique("failing");
        const body = patternStream(20 * 1024 * 1024, { failAfter: 12 * 1024 * 1024 });
        await expect(driver.put(key, body)).rejects.toThrow("source failed mid-way");
        expect(body.destroyed).toBe(true);
        expect(await driver.exists(key)).toBe(false);
        await expectNoLeftovers();
      });

      it("keeps the previous object when an overwrite fails", async () => {
        const key = unique("keep");
        await put(key, Buffer.from("original"));
        await expect(driver.put(key, patternStream(CHUNK * 10, { failAfter: CHUNK * 3 }))).rejects.toThrow();
        expect((await collect(await driver.get(key))).toString()).toBe("original");
        await expectNoLeftovers();
      });

      it("aborts a put through its signal", async () => {
        const key = unique("abort");
        const controller = new AbortController();
        const body = patternStream(1024 * 1024 * 1024, { delayMs: 1 });
        let seen = 0;
        body.on("data", (chunk: Buffer) => {
          if ((seen += chunk.length) >= 6 * 1024 * 1024) controller.abort();
        });
        body.pause();
        await expect(driver.put(key, body, { signal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
        expect(body.destroyed).toBe(true);
        expect(await driver.exists(key)).toBe(false);
        await expectNoLeftovers();
      });

      it("rejects a put whose signal is already aborted", async () => {
        const key = unique("pre-aborted");
        const body = Readable.from([Buffer.from("never stored")]);
        await expect(driver.put(key, body, { signal: AbortSignal.abort() })).rejects.toMatchObject({
          name: "AbortError",
        });
        expect(body.destroyed).toBe(true);
        expect(await driver.exists(key)).toBe(false);
      });
    });

    describe("keys", () => {
      it.each([
        ["empty", ""],
        ["absolute", "/etc/passwd"],
        ["parent segment", "../outside"],
        ["inner parent segment", "objects/../../outside"],
        ["dot segment", "objects/./x"],
        ["hidden segment", ".staging/x"],
        ["empty segment", "objects//x"],
        ["trailing slash", "objects/x/"],
        ["NUL", "objects/a\u0000b"],
        ["newline", "objects/a\nb"],
        ["backslash", "objects\\..\\x"],
        ["too long", "a".repeat(1025)],
      ])("rejects an invalid key (%s)", async (_label, key) => {
        const body = Readable.from([Buffer.from("x")]);
        await expect(driver.put(key, body)).rejects.toBeInstanceOf(InvalidStorageKeyError);
        expect(body.destroyed).toBe(true);
        await expect(driver.get(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(driver.getRange(key, 0, 1)).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(driver.read(key, 0, 1)).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(driver.stat(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(driver.exists(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
        await expect(driver.delete(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      });
    });

    it("declares exactly the optional methods it has", () => {
      const has = Object.fromEntries(OPTIONAL_METHODS.map((m) => [m, typeof driver[m] === "function"]));
      expect(has).toEqual(Object.fromEntries(OPTIONAL_METHODS.map((m) => [m, !!capabilities[m]])));
    });

    optional("move", capabilities.move, () => {
      it("moves an object, replacing the target", async () => {
        if (!driver.move) throw new Error("declared move, but the driver has no move()");
        const from = unique("move-from");
        const to = `objects/mv/${randomBytes(8).toString("hex")}`;
        await put(from, Buffer.from("moving"));
        await put(to, Buffer.from("old target"));
        await driver.move(from, to);
        expect(await driver.exists(from)).toBe(false);
        expect((await collect(await driver.get(to))).toString()).toBe("moving");
        await expect(driver.move(unique("missing"), to)).rejects.toBeInstanceOf(StorageNotFoundError);
        await expect(driver.move(to, "../escape")).rejects.toBeInstanceOf(InvalidStorageKeyError);
      });
    });

    optional("link", capabilities.link, () => {
      it("makes a local file an object without copying, replacing what was there", async () => {
        if (!driver.link) throw new Error("declared link, but the driver has no link()");
        const dir = await mkdtemp(join(tmpdir(), "storage-link-"));
        try {
          const file = join(dir, "source");
          const data = randomBytes(200_000);
          await writeFile(file, data);
          const key = `objects/ln/${randomBytes(8).toString("hex")}`;
          await put(key, Buffer.from("old object"));
          await driver.link(file, key);
          expect((await collect(await driver.get(key))).equals(data)).toBe(true);
          // The file's name can go; the object stays.
          await rm(file);
          expect((await collect(await driver.get(key))).equals(data)).toBe(true);
          await expect(driver.link(join(dir, "missing"), unique("link"))).rejects.toMatchObject({ code: "ENOENT" });
          await expect(driver.link(file, "../escape")).rejects.toBeInstanceOf(InvalidStorageKeyError);
          await expectNoLeftovers();
          await driver.delete(key);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    });

    optional("list", capabilities.list, () => {
      it("lists the objects under a prefix", async () => {
        if (!driver.list) throw new Error("declared list, but the driver has no list()");
        const folder = `${unique("list")}/`;
        await put(`${folder}a`, Buffer.from("one"));
        await put(`${folder}b/c`, Buffer.from("three"));
        await put(`${folder.slice(0, -1)}-sibling`, Buffer.from("outside"));
        const listed = [];
        for await (const entry of driver.list(folder)) listed.push(entry);
        expect(listed.map((e) => [e.key, e.size]).sort()).toEqual([[`${folder}a`, 3], [`${folder}b/c`, 5]]);
        for (const entry of listed) expect(Number.isFinite(entry.modifiedAt.getTime())).toBe(true);
        const missing = [];
        for await (const entry of driver.list(`${unique("none")}/`)) missing.push(entry);
        expect(missing).toEqual([]);
      });
    });

    optional("removeAbandonedWrites", capabilities.removeAbandonedWrites, () => {
      it("removes the idle writes of puts that are gone and keeps its own running ones", async () => {
        if (!driver.removeAbandonedWrites || !fixture.twin || !fixture.leftovers) throw new Error("declared removeAbandonedWrites: the driver needs removeAbandonedWrites(), the fixture twin() and leftovers()");
        const other = await fixture.twin();
        // Past one 8 MiB part, so an S3 put has begun its multipart upload.
        const size = 9 * 1024 * 1024;
        const mine = stallingStream(size);
        const theirs = stallingStream(size);
        const ownKey = unique("own-write");
        const own = driver.put(ownKey, mine);
        const lost = other.put(unique("lost-write"), theirs);
        lost.catch(() => undefined);
        await until("both writes to be in progress", async () => (await fixture.leftovers!()).length === 2);
        // Everything counts as idle: only being this driver's own running put keeps a write.
        const freed = await driver.removeAbandonedWrites(new Date(Date.now() + 60_000));
        expect(freed.count).toBe(1);
        expect(freed.bytes).toBeGreaterThanOrEqual(0);
        expect(await fixture.leftovers()).toHaveLength(1);
        mine.end();
        expect(await own).toEqual({ size });
        theirs.end();
        await expect(lost).rejects.toThrow();
        await expectNoLeftovers();
        expect(await driver.removeAbandonedWrites(new Date(Date.now() + 60_000))).toEqual({ count: 0, bytes: 0 });
        await driver.delete(ownKey);
      });
    });
  });
}
