import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Transform, Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Db } from "../db/open-database.js";
import { Errors, AppError } from "../errors/index.js";
import { ChecksumMismatchError, createHashingStream, type HashResult } from "../storage/hashing-stream.js";
import type { FreedStorage, StorageDriver } from "../storage/storage-driver.js";

/** Bytes that reached storage under a temporary key, with their digests. */
export interface StagedBytes extends HashResult {
  /** Temporary key (`tmp/<uuid>`); becomes content-addressed on {@link ObjectStore.adopt}. */
  tmpKey: string;
}

/** Options for {@link ObjectStore.stage}. */
export interface StageOptions {
  expect?: { md5?: string; sha256?: string };
  signal?: AbortSignal;
  contentType?: string;
  /** Cut the stream with PAYLOAD_TOO_LARGE once more than this many bytes arrive. */
  maxBytes?: number;
  /**
   * The body's bytes are also being written to a local file, which this
   * resolves to once it is complete and fsynced (it rejects if the file will
   * not hold them all). The body is then only hashed, and the file becomes
   * the staged object (linked where the storage can, see
   * {@link ObjectStore.linksFrom}, else copied), so the bytes are written
   * once. The caller must never change the file afterwards.
   */
  file?: Promise<string>;
}

/** What {@link ObjectStore.removeAbandoned} freed. */
export interface AbandonedStaging {
  /** Writes a killed process left unfinished (staging files, incomplete multipart uploads). */
  writes: FreedStorage;
  /** Completely staged bytes (`tmp/` keys) that neither became an upload nor belong to an upload request. */
  staged: FreedStorage;
}

const TMP_PREFIX = "tmp/";
const OWNER_BATCH = 500;

/** `objects/ab/cd/<sha256>`: two levels of fan-out keep directories small on local disk. */
export function objectKey(sha256: string): string {
  return `objects/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

/** Where what plugins make from the bytes `sha256` (thumbnails, transforms) is stored; it lives as long as they do. */
export function derivativesPrefix(sha256: string): string {
  return `derivatives/${sha256}/`;
}

/**
 * Content-addressed storage with reference counts: the same bytes uploaded
 * twice are stored once, and deleted when the last upload using them goes.
 *
 * Ordering makes it safe without locks held across I/O: `adopt` counts the
 * reference first (the upsert waits on a concurrent `release`'s row lock),
 * then renames its own copy into place (identical bytes, so replacing is
 * harmless); `release` deletes the bytes inside the transaction that takes
 * the count to zero, so no adopter can count a reference to bytes being deleted.
 */
export class ObjectStore {
  readonly #linkable = new Map<string, Promise<boolean>>();
  /** `tmp/` keys this instance is staging (false) or has staged (true) and not yet adopted or discarded. */
  readonly #staging = new Map<string, boolean>();

  constructor(
    private readonly db: Db,
    private readonly storage: StorageDriver,
  ) {}

  /** Streams `body` to a temporary key while hashing; on any failure nothing is left behind. */
  async stage(body: Readable, options: StageOptions = {}): Promise<StagedBytes> {
    const tmpKey = `${TMP_PREFIX}${randomUUID()}`;
    this.#staging.set(tmpKey, false);
    options.file?.catch(() => undefined); // awaited only once the body is hashed; a file that failed earlier is no unhandled rejection
    const hasher = createHashingStream({ expect: options.expect });
    const piped =
      options.maxBytes === undefined
        ? pipeline(body, hasher, { signal: options.signal })
        : pipeline(body, sizeLimit(options.maxBytes), hasher, { signal: options.signal });
    const settled = await Promise.allSettled([
      piped,
      options.file ? this.#putFile(tmpKey, hasher, options.file, options.contentType) : this.storage.put(tmpKey, hasher, { signal: options.signal, contentType: options.contentType }),
      hasher.result,
    ]);
    const failures = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : []));
    if (failures.length > 0) {
      body.destroy();
      await this.storage.delete(tmpKey).catch(() => undefined);
      this.#staging.delete(tmpKey);
      // The most telling cause first: a limit or checksum verdict, not the broken pipe it caused.
      throw failures.find((e) => e instanceof AppError || e instanceof ChecksumMismatchError) ?? failures[0];
    }
    const digests = (settled[2] as PromiseFulfilledResult<HashResult>).value;
    this.#staging.set(tmpKey, true);
    return { tmpKey, ...digests };
  }

  /**
   * Counts one more reference to the staged bytes and moves them to their
   * content address, or, when identical bytes are already stored there,
   * drops the staged copy (replacing a file costs as much as deleting it, and
   * a move on S3 is a full copy).
   */
  async adopt(staged: StagedBytes): Promise<string> {
    const key = objectKey(staged.sha256);
    await this.db.storedObject.upsert({
      where: { sha256: staged.sha256 },
      create: { sha256: staged.sha256, size: BigInt(staged.size), refcount: 1 },
      update: { refcount: { increment: 1 } },
    });
    try {
      // Once our reference is counted the object cannot be released; one that exists is complete (puts are atomic).
      if (await this.storage.exists(key)) await this.storage.delete(staged.tmpKey);
      else await this.move(staged.tmpKey, key);
    } catch (error) {
      await this.release(staged.sha256);
      throw error;
    }
    this.#staging.delete(staged.tmpKey);
    return key;
  }

  /**
   * Drops one reference; the last one deletes the bytes and everything made from them
   * (`derivatives/<sha256>/`: thumbnails, transforms), so a rejected upload leaves nothing behind.
   */
  async release(sha256: string): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ refcount: number }[]>`
        UPDATE "StoredObject" SET refcount = refcount - 1 WHERE sha256 = ${sha256} RETURNING refcount`;
      if (rows.length === 0 || rows[0].refcount > 0) return;
      await this.storage.delete(objectKey(sha256));
      await this.#deleteDerivatives(sha256);
      await tx.storedObject.delete({ where: { sha256 } });
    });
  }

  async #deleteDerivatives(sha256: string): Promise<void> {
    if (!this.storage.list) return;
    const keys: string[] = [];
    for await (const entry of this.storage.list(derivativesPrefix(sha256))) keys.push(entry.key);
    for (const key of keys) await this.storage.delete(key);
  }

  /** Removes staged bytes that will not be adopted. */
  async discard(staged: Pick<StagedBytes, "tmpKey">): Promise<void> {
    await this.storage.delete(staged.tmpKey);
    this.#staging.delete(staged.tmpKey);
  }

  /**
   * Frees what crashes stranded, last written before `idleSince`: writes the
   * storage driver reports abandoned (see `StorageDriver.removeAbandonedWrites`),
   * and staged `tmp/` objects that this instance is not staging and no upload
   * row holds (an upload request keeps its bytes until it completes or
   * expires). Drivers without `list` keep their staged objects.
   */
  async removeAbandoned(idleSince: Date): Promise<AbandonedStaging> {
    const writes = (await this.storage.removeAbandonedWrites?.(idleSince)) ?? { count: 0, bytes: 0 };
    const staged = { count: 0, bytes: 0 };
    if (!this.storage.list) return { writes, staged };
    const present = new Set<string>();
    const idle: { key: string; size: number }[] = [];
    for await (const entry of this.storage.list(TMP_PREFIX)) {
      present.add(entry.key);
      if (entry.modifiedAt < idleSince && !this.#staging.has(entry.key)) idle.push(entry);
    }
    for (let i = 0; i < idle.length; i += OWNER_BATCH) {
      const batch = idle.slice(i, i + OWNER_BATCH);
      const owned = await this.#owned(batch.map((e) => e.key));
      for (const entry of batch) {
        if (owned.has(entry.key)) continue;
        await this.storage.delete(entry.key);
        staged.count++;
        staged.bytes += entry.size;
      }
    }
    // Staged bytes handed to an upload row (or deleted elsewhere) are no longer this instance's to keep.
    const done = [...this.#staging].filter(([, finished]) => finished).map(([key]) => key);
    const handedOver = await this.#owned(done);
    for (const key of done) if (handedOver.has(key) || !present.has(key)) this.#staging.delete(key);
    return { writes, staged };
  }

  /** Which of `keys` an upload row holds. */
  async #owned(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await this.db.upload.findMany({ where: { storage_key: { in: keys } }, select: { storage_key: true } });
    return new Set(rows.flatMap((r) => (r.storage_key ? [r.storage_key] : [])));
  }

  /**
   * Whether files in `directory` can become objects without a copy: the
   * storage links files and a probe link from there works (same filesystem,
   * permitted). Probed once per directory.
   */
  linksFrom(directory: string): Promise<boolean> {
    let answer = this.#linkable.get(directory);
    if (!answer) this.#linkable.set(directory, (answer = this.#probeLink(directory)));
    return answer;
  }

  async #probeLink(directory: string): Promise<boolean> {
    if (!this.storage.link) return false;
    const file = join(directory, `.link-probe-${randomUUID()}`);
    const key = `tmp/${randomUUID()}`;
    try {
      await writeFile(file, "");
      await this.storage.link(file, key);
      return true;
    } catch {
      return false;
    } finally {
      await rm(file, { force: true }).catch(() => undefined);
      await this.storage.delete(key).catch(() => undefined);
    }
  }

  /** Drains the hashed body, then makes the finished `file` the object `key`: linked if possible, else copied. */
  async #putFile(key: string, hashed: Readable, file: Promise<string>, contentType: string | undefined): Promise<void> {
    await pipeline(hashed, new Writable({ write: (_chunk, _encoding, callback) => callback() }));
    const path = await file;
    if (this.storage.link) {
      try {
        return await this.storage.link(path, key);
      } catch {
        // e.g. EXDEV: a mount between the file and storage that the probe did not see
      }
    }
    await this.storage.put(key, createReadStream(path, { highWaterMark: 1024 * 1024 }), { contentType });
  }

  private async move(from: string, to: string): Promise<void> {
    if (this.storage.move) return this.storage.move(from, to);
    await this.storage.put(to, await this.storage.get(from));
    await this.storage.delete(from);
  }
}

/** Passes bytes through until more than `maxBytes` arrive, then fails with 413. */
function sizeLimit(maxBytes: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > maxBytes) callback(Errors.PAYLOAD_TOO_LARGE({ detail: `The file is larger than the limit of ${maxBytes} bytes`, meta: { max_size: maxBytes } }));
      else callback(null, chunk);
    },
  });
}
