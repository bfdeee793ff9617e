import { open } from "node:fs/promises";
import { InvalidRasterError } from "./errors.js";

/** Random access to a stored file; the engine must only use ranged reads. */
export interface ByteRangeReader {
  /** Total size of the file in bytes. */
  size: number;
  /**
   * Reads `length` bytes from `offset`. May return fewer bytes only when the range passes
   * the end of the file.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** A {@link ByteRangeReader} over a local file; call `close()` when done. */
export interface FileRangeReader extends ByteRangeReader {
  close(): Promise<void>;
}

/** Opens a local file as a {@link ByteRangeReader} (one FileHandle, positional reads). */
export async function fileRangeReader(path: string): Promise<FileRangeReader> {
  const handle = await open(path, "r");
  const { size } = await handle.stat();
  return {
    size,
    async read(offset, length) {
      const wanted = Math.max(0, Math.min(length, size - offset));
      // A fresh buffer per read: offset 0 keeps typed-array views over it aligned.
      const out = new Uint8Array(wanted);
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await handle.read(out, filled, wanted - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === wanted ? out : out.subarray(0, filled);
    },
    close: () => handle.close(),
  };
}

/** One read made through a {@link countingReader}. */
export interface ReadRecord {
  offset: number;
  length: number;
}

/** A reader wrapper that records every range read (for tests and benchmarks). */
export interface CountingReader extends ByteRangeReader {
  readonly reads: ReadRecord[];
  /** Sum of the lengths of all reads so far. */
  bytesRead(): number;
}

/** Wraps `inner` so that every read is recorded. */
export function countingReader(inner: ByteRangeReader): CountingReader {
  const reads: ReadRecord[] = [];
  return {
    size: inner.size,
    reads,
    bytesRead: () => reads.reduce((sum, r) => sum + r.length, 0),
    read(offset, length) {
      reads.push({ offset, length });
      return inner.read(offset, length);
    },
  };
}

/**
 * Serves reads that fall inside the first `headBytes` of the file from one read of that head.
 * The engine itself reads exactly the header and directory ranges (many small sequential
 * reads); on high-latency storage such as S3 this wrapper turns the directory walk of a typical
 * COG into a single request. Reads beyond the head go to `inner` unchanged.
 */
export function prefetchingReader(inner: ByteRangeReader, headBytes = 16 * 1024): ByteRangeReader {
  const headLength = Math.min(headBytes, inner.size);
  let head: Promise<Uint8Array> | undefined;
  return {
    size: inner.size,
    async read(offset, length) {
      if (offset < 0 || offset + length > headLength) return inner.read(offset, length);
      head ??= inner.read(0, headLength);
      // A copy with its own ArrayBuffer (the head may be a Node Buffer, whose slice() is a view).
      return new Uint8Array((await head).subarray(offset, offset + length));
    },
  };
}

/**
 * Reads exactly `length` bytes or throws {@link InvalidRasterError} naming `what` — a range
 * that the file's own directory points to but that lies past its end means truncation.
 */
export async function readExact(
  reader: ByteRangeReader,
  offset: number,
  length: number,
  what: string,
): Promise<Uint8Array> {
  if (offset < 0 || offset + length > reader.size) {
    throw new InvalidRasterError(
      `truncated or corrupt file: ${what} (bytes ${offset}-${offset + length - 1}) lies beyond the end of the file (${reader.size} bytes)`,
    );
  }
  const bytes = await reader.read(offset, length);
  if (bytes.length !== length) {
    throw new InvalidRasterError(`truncated file: got ${bytes.length} of ${length} bytes for ${what}`);
  }
  return bytes;
}
