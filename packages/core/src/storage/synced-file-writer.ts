import { open, type FileHandle } from "node:fs/promises";
import { Writable } from "node:stream";

/** Options for {@link SyncedFileWriter}. */
export interface SyncedFileWriterOptions {
  /** Bytes gathered from incoming chunks before one `writev` (default 1 MiB). */
  gatherBytes?: number;
  /** Start a background `fdatasync` once this many bytes were written since the last one (default 32 MiB). */
  syncEveryBytes?: number;
  /** Write into the existing `file` from this byte offset instead of creating it. */
  start?: number;
}

const DEFAULT_GATHER_BYTES = 1024 * 1024;
const DEFAULT_SYNC_EVERY_BYTES = 32 * 1024 * 1024;

/**
 * A Writable that creates `file` (it must not exist; with `start`, appends to
 * an existing one at that offset) and makes it durable:
 * when the stream finishes, every byte has been fsynced and the file is
 * closed, like `createWriteStream(file, { flags: "wx", flush: true })`.
 *
 * Unlike that, the disk work overlaps the writing: a background `fdatasync`
 * starts every `syncEveryBytes` (one at a time) while writes go on, so the
 * final fsync only has the tail left; one fsync of a whole large file at the
 * end costs about as much as hashing it. Incoming chunks are gathered into
 * `gatherBytes` writes, because each write is a thread-pool round trip.
 */
export class SyncedFileWriter extends Writable {
  readonly #file: string;
  readonly #gatherBytes: number;
  readonly #syncEveryBytes: number;
  readonly #start: number | undefined;
  #handle: FileHandle | undefined;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #written = 0;
  #unsynced = 0;
  #syncing: Promise<void> | undefined;
  #syncError: Error | undefined;
  #syncs = 0;

  constructor(file: string, options: SyncedFileWriterOptions = {}) {
    const gatherBytes = options.gatherBytes ?? DEFAULT_GATHER_BYTES;
    // Room for a second batch while one is being written.
    super({ highWaterMark: gatherBytes });
    this.#file = file;
    this.#gatherBytes = gatherBytes;
    this.#syncEveryBytes = options.syncEveryBytes ?? DEFAULT_SYNC_EVERY_BYTES;
    this.#start = options.start;
  }

  /** Bytes this writer wrote to the file so far. */
  get bytesWritten(): number {
    return this.#written;
  }

  /** Background syncs started so far (for tests and diagnostics). */
  get backgroundSyncs(): number {
    return this.#syncs;
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.#file, this.#start === undefined ? "wx" : "r+").then((handle) => {
      this.#handle = handle;
      callback();
    }, callback);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#gather([chunk], callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.#gather(
      chunks.map((c) => c.chunk),
      callback,
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      await this.#flush();
      await this.#syncing;
      if (this.#syncError) throw this.#syncError;
      await this.#handle!.sync();
      const handle = this.#handle!;
      this.#handle = undefined;
      await handle.close();
    })().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = this.#handle;
    this.#handle = undefined;
    this.#pending = [];
    // FileHandle.close waits for operations still running on it.
    Promise.resolve(this.#syncing)
      .then(() => handle?.close())
      .then(
        () => callback(error),
        (closeError: Error) => callback(error ?? closeError),
      );
  }

  #gather(chunks: Buffer[], callback: (error?: Error | null) => void): void {
    for (const chunk of chunks) {
      this.#pending.push(chunk);
      this.#pendingBytes += chunk.length;
    }
    if (this.#pendingBytes < this.#gatherBytes) return callback(this.#syncError);
    this.#flush().then(() => callback(this.#syncError), callback);
  }

  /** Writes the gathered chunks at the end of the file; starts a background sync when one is due. */
  async #flush(): Promise<void> {
    if (this.#pendingBytes === 0) return;
    const buffers = this.#pending;
    const length = this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    const handle = this.#handle!;
    let done = 0;
    // writev may write less than asked (a signal, a full disk); go on from where it stopped.
    while (done < length) {
      const { bytesWritten } = await handle.writev(remaining(buffers, done), (this.#start ?? 0) + this.#written);
      if (bytesWritten === 0) throw new Error(`Could not write to ${this.#file}`);
      done += bytesWritten;
      this.#written += bytesWritten;
      this.#unsynced += bytesWritten;
    }
    if (this.#unsynced >= this.#syncEveryBytes && !this.#syncing) {
      this.#unsynced = 0;
      this.#syncs++;
      this.#syncing = handle
        .datasync()
        .catch((error: Error) => {
          this.#syncError ??= error;
        })
        .finally(() => (this.#syncing = undefined));
    }
  }
}

/** `buffers` without their first `skip` bytes. */
function remaining(buffers: Buffer[], skip: number): Buffer[] {
  if (skip === 0) return buffers;
  const rest: Buffer[] = [];
  for (const buffer of buffers) {
    if (skip >= buffer.length) skip -= buffer.length;
    else {
      rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
      skip = 0;
    }
  }
  return rest;
}
