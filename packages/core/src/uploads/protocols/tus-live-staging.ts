import { PassThrough, Transform } from "node:stream";
import type { Logger } from "pino";
import type { Upload } from "../../generated/prisma/client.js";
import type { IngestService } from "../ingest-service.js";
import type { StagedBytes } from "../object-store.js";
import type { ServiceContext } from "../../services/service-context.js";
import type { WriteObserver } from "./checksummed-file-store.js";

/** Bytes gathered before they are handed to the pipeline. */
const BATCH_BYTES = 1024 * 1024;

/** How staging alongside a write ended: the staged bytes, or why staging failed. */
export type LiveOutcome = { staged: StagedBytes; error?: undefined } | { staged?: undefined; error: unknown };

/**
 * Stages a tus upload in the pipeline while the PATCH that carries the whole
 * file streams into the tus file, so finishing need not read 600 MB back and
 * hash them after the last byte (which would halve throughput). The tus file
 * is written as always, for resuming. Given the tus file's path (storage can
 * link it, see `IngestService.linksFrom`), the bytes are only hashed on the
 * way, the tus file is fsynced as it grows, and once complete and verified it
 * becomes the staged object itself: one write instead of two. Otherwise the
 * bytes are also written to storage as they pass. When the write ends short
 * (a dropped connection, a refused chunk), the staged bytes are discarded and
 * finishing later reads the tus file as usual.
 */
export class TusLiveStaging {
  readonly #outcomes = new Map<string, LiveOutcome>();

  constructor(
    private readonly ingest: IngestService,
    private readonly log: Logger,
  ) {}

  /**
   * An observer that stages the `size` bytes of upload `id` (row `row`) as
   * they are written; with `file` (the tus file's path), by adopting that file.
   */
  observe(ctx: ServiceContext, row: Upload, id: string, size: number, expected: { md5?: string; sha256?: string } | undefined, file?: string): WriteObserver {
    const tee = new PassThrough();
    let failed = false;
    let fileDone: ((complete: boolean) => void) | undefined;
    const complete = file
      ? new Promise<string>((resolve, reject) => {
          fileDone = (ok) => (ok ? resolve(file) : reject(new Error(`The write of tus upload ${id} ended short`)));
        })
      : undefined;
    complete?.catch(() => undefined); // the staging pipeline fails on its own when the file is not complete
    const staging: Promise<LiveOutcome> = this.ingest
      .store(ctx, { body: tee, filename: row.filename, type: row.type ?? undefined, declaredSize: size, declaredMimeType: row.mime_type ?? undefined, expected, file: complete })
      .then(
        (staged) => ({ staged }),
        (error: unknown) => {
          failed = true;
          return { error };
        },
      );
    // Never fails and never stalls the tus write: once staging has failed, bytes only go to the file.
    // The pipeline gets the socket's small chunks gathered into 1 MiB: its storage write and hashing
    // cost per chunk, and a copy costs less than thousands of small writes.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const forward = (callback: (error?: Error | null) => void) => {
      const batch = pendingBytes === 0 ? null : pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      if (!batch || failed || tee.destroyed || tee.write(batch)) return callback();
      const resume = () => {
        tee.off("drain", resume);
        tee.off("close", resume);
        callback();
      };
      tee.on("drain", resume);
      tee.on("close", resume);
    };
    const stream = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes < BATCH_BYTES) return callback(null, chunk);
        forward(() => callback(null, chunk));
      },
      flush(callback) {
        forward(() => callback());
      },
    });
    return {
      stream,
      durable: file !== undefined,
      settle: async (end) => {
        fileDone?.(end === size);
        if (end === size) {
          if (!tee.destroyed) tee.end();
          this.#outcomes.set(id, await staging);
          return;
        }
        tee.destroy();
        const outcome = await staging;
        if (outcome.staged) await this.ingest.discard(outcome.staged).catch((error: unknown) => this.log.warn({ err: error, id }, "could not discard live-staged bytes"));
      },
    };
  }

  /** The outcome staged alongside the write that completed upload `id`, once. */
  take(id: string): LiveOutcome | undefined {
    const outcome = this.#outcomes.get(id);
    this.#outcomes.delete(id);
    return outcome;
  }
}
