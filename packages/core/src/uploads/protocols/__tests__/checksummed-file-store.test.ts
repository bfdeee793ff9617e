import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { Upload } from "@tus/server";
import { ChecksummedFileStore, type ChunkChecksum, type WriteObserver } from "../checksummed-file-store.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "checksummed-store-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  jest.restoreAllMocks();
});

/** The FileHandle prototype, for spying on fsync. */
async function fileHandlePrototype(): Promise<{ sync(): Promise<void> }> {
  const handle = await open(path.join(dir, "probe"), "w");
  await handle.close();
  return Object.getPrototypeOf(handle) as { sync(): Promise<void> };
}

/** A store whose writes report to a durable observer that records what happened, in order. */
async function storeWithObserver(checksum?: ChunkChecksum) {
  const events: string[] = [];
  const store = new ChecksummedFileStore({
    directory: dir,
    checksumOf: () => checksum,
    observe: async (): Promise<WriteObserver> => ({
      stream: new PassThrough(),
      durable: true,
      settle: async (end) => {
        events.push(`settle ${end}`);
      },
    }),
  });
  const id = randomUUID();
  await store.create(new Upload({ id, size: 3 * 1024 * 1024, offset: 0 }));
  const proto = await fileHandlePrototype();
  const original = proto.sync;
  jest.spyOn(proto, "sync").mockImplementation(function (this: unknown) {
    events.push("fsync");
    return original.call(this);
  });
  return { store, id, events, file: store.filePath(id) };
}

describe("ChecksummedFileStore with a durable write observer", () => {
  it("fsyncs the tus file before the observer learns the write is complete", async () => {
    const { store, id, events, file } = await storeWithObserver();
    const data = randomBytes(3 * 1024 * 1024);
    expect(await store.write(Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]), id, 0)).toBe(data.length);
    expect(events).toEqual(["fsync", `settle ${data.length}`]);
    expect((await readFile(file)).equals(data)).toBe(true);
  });

  it("truncates a chunk whose Upload-Checksum differs and tells the observer it was discarded", async () => {
    const data = randomBytes(1024 * 1024);
    const { store, id, events, file } = await storeWithObserver({ algorithm: "md5", digest: createHash("md5").update("other").digest() });
    await expect(store.write(Readable.from([data]), id, 0)).rejects.toMatchObject({ status: 460 });
    expect(events.at(-1)).toBe("settle null");
    expect((await readFile(file)).length).toBe(0);
  });
});
