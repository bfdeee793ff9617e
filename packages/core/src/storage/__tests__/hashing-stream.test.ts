import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { ChecksumMismatchError, createHashingStream, type HashResult } from "../hashing-stream.js";
import { LocalDiskStorage } from "../local-disk-storage.js";

const run = promisify(execFile);
const coreutilsDigest = async (tool: string, file: string) => (await run(tool, [file])).stdout.split(" ")[0];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "hashing-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Pipes `file` through a hashing stream into a sink that digests what came out. */
async function hashFile(file: string, offload: boolean): Promise<{ result: HashResult; passedThrough: string }> {
  const hashing = createHashingStream({ offload });
  const out = createHash("sha256");
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.update(chunk);
      callback();
    },
  });
  await pipeline(createReadStream(file, { highWaterMark: 64 * 1024 }), hashing, sink);
  return { result: await hashing.result, passedThrough: out.digest("hex") };
}

describe.each([
  ["empty", 0],
  ["small", 1000],
  ["one byte under a batch", 1024 * 1024 - 1],
  ["exactly two batches", 2 * 1024 * 1024],
  ["multi-MB", 12 * 1024 * 1024 + 7],
])("createHashingStream on %s input", (label, size) => {
  let file: string;
  let expected: HashResult;
  beforeAll(async () => {
    file = path.join(dir, `${label.replace(/\W/g, "-")}.bin`);
    await writeFile(file, randomBytes(size));
    expected = { md5: await coreutilsDigest("md5sum", file), sha256: await coreutilsDigest("sha256sum", file), size };
  });

  it.each([true, false])("matches md5sum/sha256sum and passes bytes through (offload: %s)", async (offload) => {
    const { result, passedThrough } = await hashFile(file, offload);
    expect(result).toEqual(expected);
    expect(passedThrough).toBe(expected.sha256);
  });
});

describe("createHashingStream verification", () => {
  const data = randomBytes(3 * 1024 * 1024);
  const md5 = createHash("md5").update(data).digest("hex");
  const sha256 = createHash("sha256").update(data).digest("hex");

  it("stores the object when the expected digests match (any case)", async () => {
    const storage = new LocalDiskStorage({ root: path.join(dir, "verify-ok") });
    const hashing = createHashingStream({ expect: { md5: md5.toUpperCase(), sha256 } });
    const [{ size }] = await Promise.all([storage.put("tmp/ok", hashing), pipeline(Readable.from([data]), hashing)]);
    expect(size).toBe(data.length);
    expect(await hashing.result).toEqual({ md5, sha256, size: data.length });
  });

  it.each(["md5", "sha256"] as const)("fails before commit on a %s mismatch", async (algorithm) => {
    const storage = new LocalDiskStorage({ root: path.join(dir, `verify-${algorithm}`) });
    const hashing = createHashingStream({ expect: { [algorithm]: "0".repeat(algorithm === "md5" ? 32 : 64) } });
    const [put, feed] = await Promise.allSettled([storage.put("tmp/bad", hashing), pipeline(Readable.from([data]), hashing)]);
    expect(put).toMatchObject({ status: "rejected", reason: expect.any(ChecksumMismatchError) });
    expect(feed.status).toBe("rejected");
    await expect(hashing.result).rejects.toMatchObject({ algorithm, actual: algorithm === "md5" ? md5 : sha256 });
    expect(await storage.exists("tmp/bad")).toBe(false);
    expect(await readdir(storage.stagingDir).catch(() => [])).toEqual([]);
  });
});

describe("createHashingStream lifecycle", () => {
  it("rejects result when destroyed before the end", async () => {
    const hashing = createHashingStream();
    hashing.on("error", () => undefined);
    hashing.write(randomBytes(3 * 1024 * 1024));
    hashing.destroy(new Error("client went away"));
    await expect(hashing.result).rejects.toThrow("client went away");
  });

  it("does not read far ahead of a stalled consumer", async () => {
    let produced = 0;
    const source = new Readable({
      read() {
        produced += 64 * 1024;
        this.push(Buffer.alloc(64 * 1024));
      },
    });
    const hashing = createHashingStream();
    source.pipe(hashing);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(produced).toBeLessThan(1024 * 1024);
    source.destroy();
    hashing.destroy();
  });

  it("handles many concurrent streams on the shared worker", async () => {
    const inputs = Array.from({ length: 6 }, (_, i) => randomBytes(2 * 1024 * 1024 + i));
    const results = await Promise.all(
      inputs.map(async (data) => {
        const hashing = createHashingStream();
        await pipeline(Readable.from([data]), hashing, new Writable({ write: (_c, _e, cb) => cb() }));
        return hashing.result;
      }),
    );
    results.forEach((result, i) => {
      expect(result.md5).toBe(createHash("md5").update(inputs[i]!).digest("hex"));
      expect(result.sha256).toBe(createHash("sha256").update(inputs[i]!).digest("hex"));
    });
  });
});
