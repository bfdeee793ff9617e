import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from "@jest/globals";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import type { Db } from "../../db/open-database.js";
import { ChecksumMismatchError } from "../../storage/hashing-stream.js";
import { LocalDiskStorage } from "../../storage/local-disk-storage.js";
import type { StorageDriver } from "../../storage/storage-driver.js";
import { ObjectStore } from "../object-store.js";

// Staging never touches the database; only adopt and release do.
const noDb = {} as Db;

let dir: string;
let storage: LocalDiskStorage;
let objects: ObjectStore;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "object-store-"));
  storage = new LocalDiskStorage({ root: path.join(dir, "storage") });
  objects = new ObjectStore(noDb, storage);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  jest.restoreAllMocks();
});

const digests = (data: Buffer) => ({ md5: createHash("md5").update(data).digest("hex"), sha256: createHash("sha256").update(data).digest("hex"), size: data.length });

/** A file written with `data`, and the body that "streams" the same bytes, in socket-sized chunks. */
async function fileAndBody(data: Buffer): Promise<{ file: string; body: Readable }> {
  const file = path.join(dir, `file-${n++}`);
  await writeFile(file, data);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += 65_536) chunks.push(data.subarray(offset, offset + 65_536));
  return { file, body: Readable.from(chunks) };
}

/** Everything in storage but the content-addressed objects: staged bytes and staging files. */
async function stagedFiles(): Promise<string[]> {
  const list = async (sub: string) => (await readdir(path.join(storage.root, sub)).catch(() => [] as string[])).map((name) => `${sub}/${name}`);
  return [...(await list("tmp")), ...(await list(".staging"))];
}

describe("ObjectStore.stage with a local file that receives the same bytes", () => {
  it("hashes the body and links the finished file as the staged object: one inode, no copy", async () => {
    const data = randomBytes(3 * 1024 * 1024 + 5);
    const { file, body } = await fileAndBody(data);
    const put = jest.spyOn(storage, "put");
    const staged = await objects.stage(body, { file: Promise.resolve(file), expect: { sha256: digests(data).sha256 } });
    expect(staged).toMatchObject(digests(data));
    expect(put).not.toHaveBeenCalled();
    const object = storage.pathOf(staged.tmpKey);
    expect((await stat(object)).ino).toBe((await stat(file)).ino);
    await rm(file);
    expect((await readFile(object)).equals(data)).toBe(true);
    await objects.discard(staged);
    expect(await stagedFiles()).toEqual([]);
  });

  it("copies the file when linking fails (e.g. another filesystem)", async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const { file, body } = await fileAndBody(data);
    jest.spyOn(storage, "link").mockRejectedValue(Object.assign(new Error("cross-device link"), { code: "EXDEV" }));
    const staged = await objects.stage(body, { file: Promise.resolve(file) });
    expect(staged).toMatchObject(digests(data));
    const object = storage.pathOf(staged.tmpKey);
    expect((await stat(object)).ino).not.toBe((await stat(file)).ino);
    expect((await readFile(object)).equals(data)).toBe(true);
    await objects.discard(staged);
  });

  it("stages nothing when the file does not get all the bytes", async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const { file, body } = await fileAndBody(data);
    const link = jest.spyOn(storage, "link");
    await expect(objects.stage(body, { file: Promise.reject(new Error("the write ended short")) })).rejects.toThrow("the write ended short");
    expect(link).not.toHaveBeenCalled();
    expect(await stagedFiles()).toEqual([]);
    expect((await readFile(file)).equals(data)).toBe(true); // the file itself is the caller's
  });

  it("stages nothing when the whole-file checksum differs", async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const { file, body } = await fileAndBody(data);
    const link = jest.spyOn(storage, "link");
    await expect(objects.stage(body, { file: Promise.resolve(file), expect: { md5: "0".repeat(32) } })).rejects.toBeInstanceOf(ChecksumMismatchError);
    expect(link).not.toHaveBeenCalled();
    expect(await stagedFiles()).toEqual([]);
  });

  it("stages nothing when the body fails half-way", async () => {
    const body = new PassThrough();
    const file = new Promise<string>(() => undefined); // never complete
    const staging = objects.stage(body, { file });
    body.write(randomBytes(2 * 1024 * 1024));
    body.destroy(new Error("connection reset"));
    await expect(staging).rejects.toThrow("connection reset");
    expect(await stagedFiles()).toEqual([]);
  });
});

describe("ObjectStore.linksFrom", () => {
  it("is true for a directory on the same filesystem as local storage, and the probe leaves nothing behind", async () => {
    const source = await mkdtemp(path.join(dir, "tus-"));
    expect(await objects.linksFrom(source)).toBe(true);
    expect(await readdir(source)).toEqual([]);
    expect(await stagedFiles()).toEqual([]);
  });

  it("is false for storage that cannot link (e.g. S3) and when the probe link fails; asked once per directory", async () => {
    const source = await mkdtemp(path.join(dir, "tus-"));
    const s3like: StorageDriver = Object.assign(Object.create(storage) as LocalDiskStorage, { link: undefined });
    expect(await new ObjectStore(noDb, s3like).linksFrom(source)).toBe(false);

    const failing = new LocalDiskStorage({ root: path.join(dir, "other") });
    const link = jest.spyOn(failing, "link").mockRejectedValue(Object.assign(new Error("cross-device link"), { code: "EXDEV" }));
    const store = new ObjectStore(noDb, failing);
    expect(await store.linksFrom(source)).toBe(false);
    expect(await store.linksFrom(source)).toBe(false);
    expect(link).toHaveBeenCalledTimes(1);
    expect(await readdir(source)).toEqual([]);
  });
});
