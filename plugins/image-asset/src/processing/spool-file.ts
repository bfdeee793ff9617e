/**
 * sharp and exifr read files by path (random access, bounded memory), while the stored
 * bytes come from the storage driver (local disk or S3). One streamed copy to a temporary
 * file bridges the two and hashes the bytes on the way.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** A local copy of stored bytes. */
export interface SpooledFile {
  readonly path: string;
  readonly size: number;
  /** Hex MD5 of the bytes, DatoCMS's `md5`. */
  readonly md5: string;
}

/**
 * Streams `open()`'s bytes into a fresh temporary file under `dir`, hashing them, runs `use`
 * on the copy and removes it afterwards, whatever `use` does. `signal` aborts the copy.
 */
export async function withSpooledFile<T>(
  open: () => Promise<Readable>,
  use: (file: SpooledFile) => Promise<T>,
  options: { dir?: string; signal?: AbortSignal } = {},
): Promise<T> {
  const dir = await mkdtemp(join(options.dir ?? tmpdir(), "image-asset-"));
  try {
    const path = join(dir, "original");
    const md5 = createHash("md5");
    let size = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        md5.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    await pipeline(await open(), hashing, createWriteStream(path), { signal: options.signal });
    return await use({ path, size, md5: md5.digest("hex") });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
