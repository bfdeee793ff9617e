import type { Readable } from "node:stream";
import type { Logger } from "pino";
import type { Db } from "../../db/open-database.js";
import type { Prisma, Upload } from "../../generated/prisma/client.js";
import type { StorageDriver } from "../../storage/storage-driver.js";

/**
 * The stored bytes of an upload, read only through the storage driver.
 * `read` has the shape of a ranged reader (e.g. raster-source's `ByteRangeReader`).
 */
export interface StoredFile {
  /** Storage key, e.g. `objects/ab/cd/<sha256>`. */
  readonly key: string;
  readonly size: number;
  /** Streams the whole file. Consume or destroy it. */
  open(): Promise<Readable>;
  /** Streams bytes `start..endInclusive`. */
  openRange(start: number, endInclusive: number): Promise<Readable>;
  /** Reads up to `length` bytes at `offset` (short only at the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** What a processor gets for one run over one upload. */
export interface ProcessorContext {
  /** The upload row as claimed (state `processing`). */
  readonly upload: Upload;
  readonly file: StoredFile;
  readonly storage: StorageDriver;
  /** Database for reads; writes that must happen exactly once belong in the type's `commit`. */
  readonly db: Db;
  readonly log: Logger;
  /** Results of the processors that ran before this one in this attempt, by processor name. */
  readonly results: Readonly<Record<string, unknown>>;
  /** Reports progress of this processor, 0-100; the job's progress is spread over all processors. */
  progress(percent: number): Promise<void>;
}

/**
 * A step of an asset type's pipeline, registered by a plugin. `run` returns a
 * JSON-serialisable result that later processors and the type's `commit` see.
 * Throw {@link UnrecoverableError} for a bad file (the upload ends `rejected`
 * with the message); any other error is transient and retried with backoff.
 */
export interface Processor {
  name: string;
  /** Whether this step applies to the upload (e.g. by mime type, or a setting on the upload). */
  accepts?(upload: Upload): boolean;
  /** Attempts before the upload is rejected (default: the pipeline's `maxAttempts`). */
  maxAttempts?: number;
  run(ctx: ProcessorContext, signal: AbortSignal): Promise<unknown>;
}

/** What a type's `commit` receives: the upload and every processor's result. */
export interface CommitContext {
  readonly upload: Upload;
  readonly results: Readonly<Record<string, unknown>>;
  readonly log: Logger;
}

/**
 * Writes a type's processing results. Runs inside the same transaction as the
 * guarded `processing -> committed` transition, so it happens exactly once;
 * throwing `UnrecoverableError` rejects the upload instead.
 * Returns the resource id the upload belongs to, if it (newly) has one.
 */
export type CommitHook = (tx: Prisma.TransactionClient, ctx: CommitContext) => Promise<{ resourceId?: number } | void>;

/** A failure that retrying cannot fix: the upload ends `rejected` with `message` as its reason. */
export class UnrecoverableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UnrecoverableError";
  }
}
