import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, type ReadStream } from "node:fs";
import { truncate } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { basename, join } from "node:path";
import { Transform, pipeline, type Readable } from "node:stream";
import { pipeline as pipelineAsync } from "node:stream/promises";
import { FileStore } from "@tus/file-store";
import { ERRORS } from "@tus/server";
import { Errors } from "../../errors/index.js";
import { SyncedFileWriter } from "../../storage/synced-file-writer.js";

/** Digest algorithms of the tus checksum extension that the server verifies (`Tus-Checksum-Algorithm`). */
export const TUS_CHECKSUM_ALGORITHMS = ["md5", "sha1", "sha256"] as const;

/** One of {@link TUS_CHECKSUM_ALGORITHMS}. */
export type TusChecksumAlgorithm = (typeof TUS_CHECKSUM_ALGORITHMS)[number];

/** A chunk's `Upload-Checksum`, decoded. */
export interface ChunkChecksum {
  algorithm: TusChecksumAlgorithm;
  digest: Buffer;
}

const DIGEST_BYTES: Record<TusChecksumAlgorithm, number> = { md5: 16, sha1: 20, sha256: 32 };

/**
 * Bytes a write may buffer before it waits: `FileStore` uses the 16 KiB
 * default, which makes every incoming 64 KiB chunk wait for its own
 * `write(2)` round trip through the thread pool; 1 MiB lets chunks arrive
 * while one write runs and go out together in one `writev`.
 */
const WRITE_BUFFER = 1024 * 1024;

/**
 * Parses `Upload-Checksum: <algorithm> <base64 digest>`. An unsupported
 * algorithm or a malformed value is a 400, as the tus checksum extension asks.
 */
export function parseUploadChecksum(header: string | undefined): ChunkChecksum | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*([A-Za-z0-9-]+) +([A-Za-z0-9+/]+={0,2})\s*$/.exec(header);
  const source = { header: "upload-checksum" };
  if (!match) throw Errors.INVALID_PARAMETER({ detail: "Upload-Checksum must be '<algorithm> <base64 digest>'", source });
  const algorithm = match[1].toLowerCase() as TusChecksumAlgorithm;
  if (!TUS_CHECKSUM_ALGORITHMS.includes(algorithm)) {
    throw Errors.INVALID_PARAMETER({ detail: `Unsupported Upload-Checksum algorithm '${match[1]}'; supported: ${TUS_CHECKSUM_ALGORITHMS.join(", ")}`, source });
  }
  const digest = Buffer.from(match[2], "base64");
  if (digest.length !== DIGEST_BYTES[algorithm]) throw Errors.INVALID_PARAMETER({ detail: `An ${algorithm} digest is ${DIGEST_BYTES[algorithm]} bytes in base64`, source });
  return { algorithm, digest };
}

/** Sees the bytes of one write as they go to the file, and learns how the write ended. */
export interface WriteObserver {
  /** A pass-through every written byte flows through, in order; it must never fail (its backpressure slows the write). */
  readonly stream: Transform;
  /**
   * The write must be on disk before {@link settle} learns its end: the file
   * is fsynced as it grows and at the end (the observer adopts the file).
   */
  readonly durable?: boolean;
  /** Called once: the upload's new offset, or null when the write failed or its chunk was discarded. */
  settle(end: number | null): Promise<void>;
}

/** Options of {@link ChecksummedFileStore}: those of `FileStore`, and hooks into each write. */
export type ChecksummedFileStoreOptions = ConstructorParameters<typeof FileStore>[0] & {
  /** The checksum the request being written sent, if any (read once per write). */
  checksumOf: () => ChunkChecksum | undefined;
  /** An observer for a write of upload `id` starting at `offset`, if one wants to see it. */
  observe?: (id: string, offset: number) => Promise<WriteObserver | undefined>;
};

/**
 * `@tus/file-store` with the tus checksum extension, which `@tus/server` 2.x
 * does not implement. A chunk sent with `Upload-Checksum` is digested while it
 * streams to the file; when the digest differs, or the chunk did not arrive
 * whole (so it cannot be verified), the file is truncated back to the offset
 * the chunk started at and the write fails with 460, so the offset a HEAD
 * reports never includes unverified bytes. Chunks without a checksum behave
 * as in `FileStore` (a cut-off chunk keeps what arrived, for resuming).
 * Writes use a 1 MiB buffer, and an optional observer sees every byte
 * written (the tus routes stage a whole-file PATCH in the pipeline with it)
 * and may ask for the write to be fsynced before it learns the new offset.
 */
export class ChecksummedFileStore extends FileStore {
  readonly #checksumOf: () => ChunkChecksum | undefined;
  readonly #observe: ChecksummedFileStoreOptions["observe"];

  constructor(options: ChecksummedFileStoreOptions) {
    const { checksumOf, observe, ...fileStoreOptions } = options;
    super(fileStoreOptions);
    this.#checksumOf = checksumOf;
    this.#observe = observe;
    this.extensions = [...this.extensions, "checksum"];
  }

  override async write(readable: IncomingMessage | Readable, id: string, offset: number): Promise<number> {
    const expected = this.#checksumOf();
    const observer = await this.#observe?.(id, offset);
    const hash = expected && createHash(expected.algorithm);
    const stages: Transform[] = [];
    if (hash) stages.push(new Transform({ transform: (chunk: Buffer, _encoding, callback) => callback(null, hash.update(chunk) && chunk) }));
    if (observer) stages.push(observer.stream);
    const source: Readable = stages.length === 0 ? readable : (pipeline([readable, ...stages], () => undefined) as Transform);
    let end: number;
    try {
      end = await this.#append(source, id, offset, observer?.durable === true);
    } catch (error) {
      if (hash) await this.#truncate(id, offset);
      await observer?.settle(null);
      throw error;
    }
    if (expected && hash) {
      const actual = hash.digest();
      if (!actual.equals(expected.digest)) {
        await this.#truncate(id, offset);
        await observer?.settle(null);
        throw Errors.TUS_CHECKSUM_MISMATCH({
          detail: `The ${expected.algorithm} of the ${end - offset} bytes received is ${actual.toString("base64")}, not the ${expected.digest.toString("base64")} sent in Upload-Checksum; the chunk was discarded and the offset is still ${offset}`,
        });
      }
    }
    await observer?.settle(end);
    return end;
  }

  /** Reads the upload's bytes in 1 MiB chunks (`FileStore` reads 64 KiB), for the same reason as {@link WRITE_BUFFER}. */
  override read(id: string): ReadStream {
    return createReadStream(this.#path(id), { highWaterMark: WRITE_BUFFER });
  }

  /** The file holding the bytes of upload `id`. */
  filePath(id: string): string {
    return this.#path(id);
  }

  /** `FileStore.write` with a larger write buffer, and fsynced if `durable`: appends at `offset`, returns the new offset. */
  async #append(readable: Readable, id: string, offset: number, durable: boolean): Promise<number> {
    const path = this.#path(id);
    const file = durable ? new SyncedFileWriter(path, { start: offset, gatherBytes: WRITE_BUFFER }) : createWriteStream(path, { flags: "r+", start: offset, highWaterMark: WRITE_BUFFER });
    try {
      await pipelineAsync(readable, file);
    } catch {
      throw ERRORS.FILE_WRITE_ERROR;
    }
    return offset + file.bytesWritten;
  }

  /** Drops everything past `offset` (the file's size is the upload's offset). */
  async #truncate(id: string, offset: number): Promise<void> {
    await truncate(this.#path(id), offset).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }

  /** The file of upload `id`: a plain name inside the directory, never a path. */
  #path(id: string): string {
    if (basename(id) !== id || id === "." || id === "..") throw ERRORS.FILE_NOT_FOUND;
    return join(this.directory, id);
  }
}
