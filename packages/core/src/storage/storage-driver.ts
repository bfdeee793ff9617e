import type { Readable } from "node:stream";

/** Options for {@link StorageDriver.put}. */
export interface PutOptions {
  /** Aborting rejects the put with an `AbortError` and leaves nothing behind. */
  signal?: AbortSignal;
  /** MIME type recorded with the object where the backend supports it. */
  contentType?: string;
}

/** Result of a successful {@link StorageDriver.put}. */
export interface PutResult {
  /** Number of bytes stored. */
  size: number;
}

/** Metadata returned by {@link StorageDriver.stat}. */
export interface StorageStat {
  /** Object size in bytes. */
  size: number;
  /** Last time the object was written. */
  modifiedAt: Date;
}

/** One object as {@link StorageDriver.list} reports it. */
export interface StorageEntry {
  key: string;
  size: number;
  /** Last time the object was written. */
  modifiedAt: Date;
}

/** What a clean-up removed. */
export interface FreedStorage {
  /** Leftovers removed (files, objects, multipart uploads). */
  count: number;
  /** Bytes they held. */
  bytes: number;
}

/**
 * A byte store addressed by keys like `objects/ab/cd/<sha256>` or `tmp/<uuid>`
 * (see `assertValidKey`; invalid keys reject with `InvalidStorageKeyError`).
 * Every method streams: no implementation holds a whole object in memory.
 */
export interface StorageDriver {
  /** Short identifier for logs and metrics, e.g. `"local"` or `"s3"`. */
  readonly name: string;

  /**
   * Streams `body` into `key`, replacing any existing object. Atomic: readers
   * see the old object (or none) until the new one is complete. If `body`
   * errors or `signal` aborts, the put rejects, `body` is destroyed and
   * nothing is left behind.
   */
  put(key: string, body: Readable, options?: PutOptions): Promise<PutResult>;

  /**
   * Streams the whole object. Rejects with {@link StorageNotFoundError} if
   * absent. Consume or destroy the stream: it holds a file or socket open.
   */
  get(key: string): Promise<Readable>;

  /**
   * Streams bytes `start..endInclusive`; `endInclusive` past the end is
   * clamped to the last byte. Rejects with {@link StorageNotFoundError} if
   * absent and with a `RangeError` if `start` is not inside the object
   * (so any range of an empty object is a `RangeError`).
   */
  getRange(key: string, start: number, endInclusive: number): Promise<Readable>;

  /**
   * Reads up to `length` bytes at `offset` into memory; shorter (possibly
   * empty) at the end of the object. Meant for small reads such as header
   * sniffing: `length` is capped at {@link MAX_READ_LENGTH}. Rejects with
   * {@link StorageNotFoundError} if absent.
   */
  read(key: string, offset: number, length: number): Promise<Uint8Array>;

  /** Size and modification time, or `null` if the object does not exist. */
  stat(key: string): Promise<StorageStat | null>;

  /** Whether the object exists. */
  exists(key: string): Promise<boolean>;

  /** Removes the object; succeeds if it is already absent. */
  delete(key: string): Promise<void>;

  /**
   * Optional fast path to rename an object within this driver, replacing
   * `to` if present. Rejects with {@link StorageNotFoundError} if `from` is
   * absent. Callers without it fall back to get + put + delete.
   */
  move?(from: string, to: string): Promise<void>;

  /**
   * Optional: makes the complete, already fsynced local `file` the object
   * `key` without copying it (local disk: a hard link), replacing `key` if
   * present; as atomic and durable as {@link put}. The file and the object
   * then share their bytes, so the caller must never change the file again
   * (removing its name is fine). Rejects (e.g. `EXDEV` across filesystems)
   * when it cannot; callers fall back to {@link put}.
   */
  link?(file: string, key: string): Promise<void>;

  /**
   * Optional: every object whose key starts with `prefix` (a folder such as
   * `"tmp/"`), in no particular order. Objects written during the listing
   * may or may not appear.
   */
  list?(prefix: string): AsyncIterable<StorageEntry>;

  /**
   * Optional: removes what puts that will never finish left behind (the
   * process running them was killed): in-progress writes that no put of this
   * driver instance is running and that were last written before `idleSince`
   * (local disk: staging files; S3: incomplete multipart uploads, aborted).
   * A put running in another process whose source stalls since before
   * `idleSince` may lose its write and reject; choose `idleSince` well before
   * any live write's last progress.
   */
  removeAbandonedWrites?(idleSince: Date): Promise<FreedStorage>;
}

/** Largest `length` accepted by {@link StorageDriver.read}. */
export const MAX_READ_LENGTH = 16 * 1024 * 1024;

/** Thrown when the requested object does not exist. */
export class StorageNotFoundError extends Error {
  /** The missing key. */
  readonly key: string;

  constructor(key: string, options?: { cause?: unknown }) {
    super(`Storage object not found: ${key}`, options);
    this.name = "StorageNotFoundError";
    this.key = key;
  }
}

/** Validates the arguments shared by `getRange` implementations. */
export function assertValidRange(start: number, endInclusive: number): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(endInclusive) || start < 0 || endInclusive < start) {
    throw new RangeError(`Invalid byte range ${start}-${endInclusive}`);
  }
}

/** Validates the arguments shared by `read` implementations. */
export function assertValidRead(offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`Invalid read offset ${offset}`);
  if (!Number.isSafeInteger(length) || length < 0 || length > MAX_READ_LENGTH) {
    throw new RangeError(`Invalid read length ${length} (0..${MAX_READ_LENGTH})`);
  }
}

/** The error a put rejects with when its signal aborts: shaped like Node's own `AbortError`. */
export function abortError(signal: AbortSignal): Error {
  const error = new Error("The operation was aborted", { cause: signal.reason });
  return Object.assign(error, { name: "AbortError", code: "ABORT_ERR" });
}
