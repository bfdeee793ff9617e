import { randomUUID } from "node:crypto";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Db } from "../db/open-database.js";
import { Errors, AppError } from "../errors/index.js";
import { ChecksumMismatchError, createHashingStream, type HashResult } from "../storage/hashing-stream.js";
import type { StorageDriver } from "../storage/storage-driver.js";

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
}

/** `objects/ab/cd/<sha256>`: two levels of fan-out keep directories small on local disk. */
export function objectKey(sha256: string): string {
  return `objects/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
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
  constructor(
    private readonly db: Db,
    private readonly storage: StorageDriver,
  ) {}

  /** Streams `body` to a temporary key while hashing; on any failure nothing is left behind. */
  async stage(body: Readable, options: StageOptions = {}): Promise<StagedBytes> {
    const tmpKey = `tmp/${randomUUID()}`;
    const hasher = createHashingStream({ expect: options.expect });
    const piped =
      options.maxBytes === undefined
        ? pipeline(body, hasher, { signal: options.signal })
        : pipeline(body, sizeLimit(options.maxBytes), hasher, { signal: options.signal });
    const settled = await Promise.allSettled([
      piped,
      this.storage.put(tmpKey, hasher, { signal: options.signal, contentType: options.contentType }),
      hasher.result,
    ]);
    const failures = settled.flatMap((s) => (s.status === "rejected" ? [s.reason as unknown] : []));
    if (failures.length > 0) {
      body.destroy();
      await this.storage.delete(tmpKey).catch(() => undefined);
      // The most telling cause first: a limit or checksum verdict, not the broken pipe it caused.
      throw failures.find((e) => e instanceof AppError || e instanceof ChecksumMismatchError) ?? failures[0];
    }
    const digests = (settled[2] as PromiseFulfilledResult<HashResult>).value;
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
    return key;
  }

  /** Drops one reference; the last one deletes the bytes. */
  async release(sha256: string): Promise<void> {
    await this.db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ refcount: number }[]>`
        UPDATE "StoredObject" SET refcount = refcount - 1 WHERE sha256 = ${sha256} RETURNING refcount`;
      if (rows.length === 0 || rows[0].refcount > 0) return;
      await this.storage.delete(objectKey(sha256));
      await tx.storedObject.delete({ where: { sha256 } });
    });
  }

  /** Removes staged bytes that will not be adopted. */
  async discard(staged: Pick<StagedBytes, "tmpKey">): Promise<void> {
    await this.storage.delete(staged.tmpKey);
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
