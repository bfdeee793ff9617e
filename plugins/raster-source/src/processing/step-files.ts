/** Finding the stored file of a source's step, and readers over stored files that keep their parsed directory. */
import { type Db, Errors, type StorageDriver } from "@assets/core";
import { type ByteRangeReader, InvalidRasterError, type RasterWindow, prefetchingReader, readWindow } from "@assets/geotiff";
import { storageObjectReader } from "./stored-reader.js";
import type { WindowQuery } from "./window-query.js";

/** The stored file of one step. */
export interface StepFile {
  storage_key: string;
  size: bigint;
  timestamp: Date | null;
}

/** Prisma `select` of a {@link StepFile}. */
export const STEP_FIELDS = { storage_key: true, size: true, timestamp: true } as const;

/** Prisma `orderBy` putting a source's latest step first (the newest timestamp, else the newest file). */
export const LATEST_FIRST = [{ timestamp: { sort: "desc", nulls: "last" } }, { created_at: "desc" }] as const;

/** The step of a temporal source nearest to `time` (the earlier of two equally near ones). */
export async function nearestStep(db: Db, sourceId: number, time: Date): Promise<StepFile | null> {
  const [before, after] = await Promise.all([
    db.rasterStep.findFirst({ where: { source_id: sourceId, timestamp: { lte: time } }, orderBy: { timestamp: "desc" }, select: STEP_FIELDS }),
    db.rasterStep.findFirst({ where: { source_id: sourceId, timestamp: { gt: time } }, orderBy: { timestamp: "asc" }, select: STEP_FIELDS }),
  ]);
  if (!before || !after) return before ?? after;
  return time.getTime() - before.timestamp!.getTime() <= after.timestamp!.getTime() - time.getTime() ? before : after;
}

/**
 * Readers by storage key, least recently used dropped first. The engine caches the parsed TIFF
 * directory per reader, so repeated window reads of a step skip the header and IFD requests.
 * Safe because stored objects are content-addressed: a key never changes its bytes.
 */
export class ReaderCache {
  private readonly readers = new Map<string, ByteRangeReader>();

  constructor(private readonly storage: StorageDriver, private readonly capacity = 64) {}

  /** The reader of `key` (of `size` bytes). */
  get(key: string, size: number): ByteRangeReader {
    let reader = this.readers.get(key);
    if (reader) {
      this.readers.delete(key);
    } else {
      reader = prefetchingReader(storageObjectReader(this.storage, key, size));
      if (this.readers.size >= this.capacity) this.readers.delete(this.readers.keys().next().value!);
    }
    this.readers.set(key, reader);
    return reader;
  }

  /** Drops the reader of `key`, e.g. after a failed read, so the next request starts afresh. */
  evict(key: string): void {
    this.readers.delete(key);
  }
}

/**
 * Reads the window `query` asks for from a step's file. A request the raster cannot serve
 * (band, projection) is a 400; a stored file that cannot be read a 422.
 */
export async function readStepWindow(readers: ReaderCache, step: StepFile, query: WindowQuery): Promise<RasterWindow> {
  const reader = readers.get(step.storage_key, Number(step.size));
  const { bbox, width, height, band, projection } = query;
  try {
    return await readWindow(reader, { bbox, width, height, band, projection });
  } catch (error) {
    if (error instanceof RangeError) throw Errors.INVALID_PARAMETER({ detail: error.message });
    readers.evict(step.storage_key); // the engine caches a failed parse with its reader
    if (error instanceof InvalidRasterError) throw Errors.UNPROCESSABLE({ detail: `The stored raster cannot be read: ${error.reason}` });
    throw error;
  }
}
