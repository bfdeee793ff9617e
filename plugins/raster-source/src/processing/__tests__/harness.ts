/** Real storage, stored files and processor contexts for the processing tests. */
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pino } from "pino";
import { type Db, LocalDiskStorage, type Processor, type ProcessorContext, type StoredFile, type Upload } from "@assets/core";
import { FIXTURES } from "../../../../../packages/geotiff/src/__tests__/fixtures.js";

export { FIXTURES, expectClose, truth, truthOf, type TruthFile } from "../../../../../packages/geotiff/src/__tests__/fixtures.js";

/** A quiet logger. */
export const log = pino({ level: process.env.LOG_LEVEL ?? "silent" });

/** A LocalDiskStorage in a fresh temp dir; `dispose()` removes it. */
export function tempStorage(): { storage: LocalDiskStorage; dispose: () => void } {
  const root = mkdtempSync(join(tmpdir(), "raster-processing-"));
  return { storage: new LocalDiskStorage({ root }), dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** Byte counts of the ranged reads made through a {@link StoredFile}. */
export interface ReadLog {
  reads: number;
  bytes: number;
}

/** Puts a file (a path, streamed, or bytes) into storage under `key` and returns it as a StoredFile whose reads are logged. */
export async function storeFile(storage: LocalDiskStorage, path: string | Buffer, key: string): Promise<{ file: StoredFile; reads: ReadLog }> {
  const { size } = await storage.put(key, typeof path === "string" ? createReadStream(path) : Readable.from([path]));
  const reads: ReadLog = { reads: 0, bytes: 0 };
  const file: StoredFile = {
    key,
    size,
    open: () => storage.get(key),
    openRange: (start, end) => storage.getRange(key, start, end),
    async read(offset, length) {
      const bytes = await storage.read(key, offset, length);
      reads.reads++;
      reads.bytes += bytes.length;
      return bytes;
    },
  };
  return { file, reads };
}

/** Stores a shared raster fixture. */
export function storeFixture(storage: LocalDiskStorage, name: string) {
  return storeFile(storage, join(FIXTURES, name), `objects/fixtures/${name}`);
}

/** An Upload row as the pipeline hands it to processors (not stored unless the test does so). */
export function uploadRow(overrides: Partial<Upload> = {}): Upload {
  const now = new Date();
  return {
    id: 1, uuid: "00000000-0000-4000-8000-000000000001", resource_id: null, type: "raster_source",
    filename: "raster.tif", mime_type: "image/tiff", size: null, md5: null, sha256: null, storage_key: null,
    state: "processing", state_detail: "", attempts: 1, uploader_id: null, metadata: {}, idempotency_key: null,
    claim_token: null, lease_expires_at: null, next_attempt_at: null, created_at: now, updated_at: now, expires_at: null,
    ...overrides,
  };
}

/** Runs processors in order as the pipeline does, collecting results and progress reports. */
export async function runProcessors(
  processors: readonly Processor[],
  options: { upload: Upload; file: StoredFile; storage: LocalDiskStorage; db?: Db; signal?: AbortSignal },
): Promise<{ results: Record<string, unknown>; progress: Record<string, number[]> }> {
  const results: Record<string, unknown> = {};
  const progress: Record<string, number[]> = {};
  for (const p of processors) {
    if (p.accepts && !p.accepts(options.upload)) continue;
    const reports: number[] = (progress[p.name] = []);
    const ctx: ProcessorContext = {
      upload: options.upload,
      file: options.file,
      storage: options.storage,
      db: options.db ?? ({} as Db), // only temporal steps query the database
      log,
      results: { ...results },
      progress: async (percent) => void reports.push(percent),
    };
    results[p.name] = JSON.parse(JSON.stringify(await p.run(ctx, options.signal ?? new AbortController().signal)));
  }
  return { results, progress };
}
