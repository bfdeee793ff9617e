/**
 * A local path for a reader that needs one (SQLite opens files, not streams): the stored file's
 * own path when storage is on local disk, else a copy streamed into a private temporary directory
 * (S3), removed by `release()`.
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";

/** A local file to read, and what to call when done with it. */
export interface LocalFile {
  path: string;
  /** True when `path` is a temporary copy. */
  copied: boolean;
  /** Removes the copy (nothing for the stored file itself); safe to call twice. */
  release(): Promise<void>;
}

/** Options of {@link localCopy}. */
export interface LocalCopyOptions {
  /** Rewrites bytes of the copy (at `offset`) after it is written, e.g. a header flag. */
  patch?: { offset: number; bytes: Uint8Array };
  /** Directory for the copy (default: the OS temporary directory). */
  tempDir?: string;
}

/** Streams `open()`'s bytes into a file in a new temporary directory. */
export async function localCopy(open_: () => Promise<Readable>, name: string, options: LocalCopyOptions = {}): Promise<LocalFile> {
  const dir = await mkdtemp(path.join(options.tempDir ?? tmpdir(), "assets-dataset-"));
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await rm(dir, { recursive: true, force: true });
  };
  const file = path.join(dir, name);
  try {
    await pipeline(await open_(), createWriteStream(file, { flags: "wx" }));
    if (options.patch) {
      const handle = await open(file, "r+");
      try {
        await handle.write(options.patch.bytes, 0, options.patch.bytes.length, options.patch.offset);
      } finally {
        await handle.close();
      }
    }
  } catch (error) {
    await release();
    throw error;
  }
  return { path: file, copied: true, release };
}

/** The stored file's own path, nothing to release. */
export function inPlace(filePath: string): LocalFile {
  return { path: filePath, copied: false, release: async () => undefined };
}
