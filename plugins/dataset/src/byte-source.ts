import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";

/**
 * Random access to stored bytes. The core's `StoredFile` (a processor's `ctx.file`) is one;
 * {@link fileByteSource} makes one from a local file (tests, benchmarks).
 */
export interface ByteSource {
  readonly size: number;
  /** Streams bytes `start..endInclusive`. */
  openRange(start: number, endInclusive: number): Promise<Readable>;
}

/** A {@link ByteSource} over a local file. */
export async function fileByteSource(path: string): Promise<ByteSource> {
  const { size } = await stat(path);
  return { size, openRange: async (start, end) => createReadStream(path, { start, end }) };
}
