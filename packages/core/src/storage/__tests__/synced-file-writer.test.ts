import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { randomBytes } from "node:crypto";
import { open, readFile, readdir, readlink, rm, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { SyncedFileWriter } from "../synced-file-writer.js";

let dir: string;
let n = 0;
const next = () => path.join(dir, `file-${n++}`);
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "synced-writer-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  jest.restoreAllMocks();
});

/** `data` cut into chunks of varying sizes, as a socket would deliver them. */
function chunked(data: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let offset = 0, i = 1; offset < data.length; i++) {
    const length = Math.min(data.length - offset, 1 + ((i * 40_503) % 90_000));
    chunks.push(data.subarray(offset, offset + length));
    offset += length;
  }
  return Readable.from(chunks);
}

/** A FileHandle, closed, to reach the FileHandle prototype for spies. */
async function probeHandle() {
  const handle = await open(next(), "w");
  await handle.close();
  return handle;
}

/** Files this process has open in `dir`. */
async function openFilesIn(directory: string): Promise<string[]> {
  const fds = await readdir("/proc/self/fd");
  const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => "")));
  return targets.filter((target) => target.startsWith(directory));
}

describe("SyncedFileWriter", () => {
  it("writes exactly the bytes it is given and counts them", async () => {
    const data = randomBytes(5 * 1024 * 1024 + 17);
    const file = next();
    const writer = new SyncedFileWriter(file);
    await pipeline(chunked(data), writer);
    expect(writer.bytesWritten).toBe(data.length);
    expect((await readFile(file)).equals(data)).toBe(true);
  });

  it("writes an empty file", async () => {
    const file = next();
    await pipeline(Readable.from([]), new SyncedFileWriter(file));
    expect((await readFile(file)).length).toBe(0);
  });

  it("refuses to overwrite an existing file", async () => {
    const file = next();
    await writeFile(file, "keep me");
    await expect(pipeline(Readable.from([Buffer.from("x")]), new SyncedFileWriter(file))).rejects.toMatchObject({ code: "EEXIST" });
    expect(await readFile(file, "utf8")).toBe("keep me");
  });

  it("gathers small chunks into large writes", async () => {
    const probe = await open(path.join(dir, "probe-writev"), "w");
    const proto = Object.getPrototypeOf(probe) as { writev(buffers: Buffer[], position?: number): Promise<unknown> };
    await probe.close();
    const writev = jest.spyOn(proto, "writev");
    const data = randomBytes(6 * 1024 * 1024 + 5);
    await pipeline(chunked(data), new SyncedFileWriter(next(), { gatherBytes: 1024 * 1024 }));
    const sizes = writev.mock.calls.map(([buffers]) => buffers.reduce((sum, b) => sum + b.length, 0));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(data.length);
    expect(sizes.slice(0, -1).every((size) => size >= 1024 * 1024)).toBe(true);
  });

  it("syncs in the background while writing, then fsyncs the tail before it finishes", async () => {
    const probe = await open(path.join(dir, "probe-sync"), "w");
    const proto = Object.getPrototypeOf(probe) as { datasync(): Promise<void>; sync(): Promise<void>; writev(...args: unknown[]): Promise<unknown> };
    await probe.close();
    const calls: string[] = [];
    const { datasync, sync, writev } = proto;
    jest.spyOn(proto, "datasync").mockImplementation(function (this: typeof proto) {
      calls.push("datasync");
      return datasync.call(this);
    });
    jest.spyOn(proto, "sync").mockImplementation(function (this: typeof proto) {
      calls.push("sync");
      return sync.call(this);
    });
    jest.spyOn(proto, "writev").mockImplementation(function (this: typeof proto, ...args: unknown[]) {
      calls.push("write");
      return writev.apply(this, args);
    });
    const file = next();
    const writer = new SyncedFileWriter(file, { gatherBytes: 256 * 1024, syncEveryBytes: 1024 * 1024 });
    const finishedOpen = new Promise<string[]>((resolve) => writer.on("finish", () => resolve(openFilesIn(file))));
    await pipeline(chunked(randomBytes(8 * 1024 * 1024)), writer);
    // At least one: while one runs no other starts, and on a busy machine it may last the whole write.
    expect(writer.backgroundSyncs).toBeGreaterThanOrEqual(1);
    // Background syncs happen between writes, not all at the end; the final fsync comes last.
    expect(calls.indexOf("datasync")).toBeLessThan(calls.lastIndexOf("write"));
    expect(calls[calls.length - 1]).toBe("sync");
    expect(calls.filter((c) => c === "sync")).toHaveLength(1);
    expect(await finishedOpen).toEqual([]); // closed by the time it finished
  });

  it("with start, writes into an existing file from that offset, keeping what is before it, and fsyncs", async () => {
    const file = next();
    const head = randomBytes(1000);
    await writeFile(file, Buffer.concat([head, Buffer.from("stale tail")]));
    const tail = randomBytes(3 * 1024 * 1024 + 7);
    const syncs = jest.spyOn(Object.getPrototypeOf(await probeHandle()), "sync");
    const writer = new SyncedFileWriter(file, { start: head.length });
    await pipeline(chunked(tail), writer);
    expect(writer.bytesWritten).toBe(tail.length);
    expect((await readFile(file)).equals(Buffer.concat([head, tail]))).toBe(true);
    expect(syncs).toHaveBeenCalled();
  });

  it("with start, refuses a file that does not exist", async () => {
    await expect(pipeline(Readable.from([Buffer.from("x")]), new SyncedFileWriter(next(), { start: 0 }))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("closes the file when the source fails", async () => {
    const file = next();
    const failing = new Readable({
      read() {
        this.destroy(new Error("source broke"));
      },
    });
    await expect(pipeline(failing, new SyncedFileWriter(file))).rejects.toThrow("source broke");
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await openFilesIn(file)).toEqual([]);
  });
});
