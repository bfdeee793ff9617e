import { randomUUID } from "node:crypto";
import { link, mkdir, open, readdir, rename, rm, stat, unlink, utimes, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  StorageNotFoundError,
  abortError,
  assertValidRange,
  assertValidRead,
  type FreedStorage,
  type PutOptions,
  type PutResult,
  type StorageDriver,
  type StorageEntry,
  type StorageStat,
} from "./storage-driver.js";
import { assertValidKey } from "./storage-key.js";
import { SyncedFileWriter } from "./synced-file-writer.js";

/** Options for {@link LocalDiskStorage}. */
export interface LocalDiskStorageOptions {
  /** Directory holding all objects; created on first write. */
  root: string;
}

/** Where in-progress puts live; keys cannot start with "." so it never collides. */
const STAGING_DIR = ".staging";

/**
 * A running put touches its staging file this often, even while its source
 * stalls, so a sweep in another process sees it as alive: any staging file
 * idle for longer belongs to a put that is gone.
 */
export const STAGING_HEARTBEAT_MS = 30_000;

const MISSING = new Set(["ENOENT", "ENOTDIR"]);
const isMissing = (error: unknown) => MISSING.has((error as NodeJS.ErrnoException)?.code ?? "");

/**
 * Stores each object as a file at `<root>/<key>`. Puts stream into
 * `<root>/.staging/<uuid>`, fsync, then rename into place, so readers never
 * see partial files and a failed put only has its own staging file to remove.
 * Most of the fsync overlaps the writing (see {@link SyncedFileWriter}).
 * A put killed with its process leaves its staging file, which
 * {@link removeAbandonedWrites} removes once idle: running puts touch theirs
 * every {@link STAGING_HEARTBEAT_MS}.
 */
export class LocalDiskStorage implements StorageDriver {
  readonly name = "local";
  /** Absolute root directory. */
  readonly root: string;
  /** Absolute staging directory (same filesystem as {@link root}, so rename is atomic). */
  readonly stagingDir: string;
  /** Names of the staging files this instance's puts and links are writing. */
  readonly #writing = new Set<string>();

  constructor(options: LocalDiskStorageOptions) {
    this.root = path.resolve(options.root);
    this.stagingDir = path.join(this.root, STAGING_DIR);
  }

  /** Absolute file path for `key`; throws `InvalidStorageKeyError` for bad keys. */
  pathOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split("/"));
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<PutResult> {
    const { signal } = options;
    let staged: string | undefined;
    try {
      const target = this.pathOf(key);
      if (signal?.aborted) throw abortError(signal);
      await mkdir(this.stagingDir, { recursive: true });
      await mkdir(path.dirname(target), { recursive: true });
      const name = randomUUID();
      staged = path.join(this.stagingDir, name);
      this.#writing.add(name);
      const file = staged;
      const heartbeat = setInterval(() => void utimes(file, new Date(), new Date()).catch(() => undefined), STAGING_HEARTBEAT_MS).unref();
      try {
        const size = await writeDurably(staged, body, signal);
        await rename(staged, target);
        staged = undefined;
        await syncDirectory(path.dirname(target));
        return { size };
      } finally {
        clearInterval(heartbeat);
        this.#writing.delete(name);
      }
    } catch (error) {
      body.destroy();
      if (staged) await rm(staged, { force: true });
      throw signal?.aborted ? abortError(signal) : error;
    }
  }

  async get(key: string): Promise<Readable> {
    const { handle } = await this.openFile(key);
    return handle.createReadStream();
  }

  async getRange(key: string, start: number, endInclusive: number): Promise<Readable> {
    assertValidRange(start, endInclusive);
    const { handle, size } = await this.openFile(key);
    if (start >= size) {
      await handle.close();
      throw new RangeError(`Range start ${start} is beyond the end of ${key} (${size} bytes)`);
    }
    return handle.createReadStream({ start, end: Math.min(endInclusive, size - 1) });
  }

  async read(key: string, offset: number, length: number): Promise<Uint8Array> {
    assertValidRead(offset, length);
    const { handle } = await this.openFile(key);
    try {
      const buffer = Buffer.alloc(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  async stat(key: string): Promise<StorageStat | null> {
    const file = this.pathOf(key);
    try {
      const info = await stat(file);
      return info.isFile() ? { size: info.size, modifiedAt: info.mtime } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.stat(key)) !== null;
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }

  async move(from: string, to: string): Promise<void> {
    const source = this.pathOf(from);
    const target = this.pathOf(to);
    if (!(await this.exists(from))) throw new StorageNotFoundError(from);
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await rename(source, target);
    } catch (error) {
      throw isMissing(error) ? new StorageNotFoundError(from, { cause: error }) : error;
    }
    await syncDirectory(path.dirname(target));
  }

  async link(file: string, key: string): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(this.stagingDir, { recursive: true });
    await mkdir(path.dirname(target), { recursive: true });
    // Through a staging name, as put does, so an existing object is replaced atomically.
    const name = randomUUID();
    const staged = path.join(this.stagingDir, name);
    this.#writing.add(name);
    try {
      await link(file, staged);
      await rename(staged, target);
    } catch (error) {
      await rm(staged, { force: true });
      throw error;
    } finally {
      this.#writing.delete(name);
    }
    await syncDirectory(path.dirname(target));
  }

  async *list(prefix: string): AsyncIterable<StorageEntry> {
    // The folder holding every key with this prefix: "tmp/" lists <root>/tmp, "tmp/a" lists <root>/tmp too.
    const folder = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
    const dir = folder ? this.pathOf(folder) : this.root;
    let entries;
    try {
      entries = await readdir(dir, { recursive: true, withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const key = path.relative(this.root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/");
      if (!key.startsWith(prefix) || key.startsWith(".")) continue; // never the staging folder
      const info = await stat(path.join(entry.parentPath, entry.name)).catch(() => null);
      if (info) yield { key, size: info.size, modifiedAt: info.mtime };
    }
  }

  async removeAbandonedWrites(idleSince: Date): Promise<FreedStorage> {
    let names: string[];
    try {
      names = await readdir(this.stagingDir);
    } catch (error) {
      if (isMissing(error)) return { count: 0, bytes: 0 };
      throw error;
    }
    const freed = { count: 0, bytes: 0 };
    for (const name of names) {
      if (this.#writing.has(name)) continue;
      const file = path.join(this.stagingDir, name);
      const info = await stat(file).catch(() => null);
      if (!info || info.mtime >= idleSince) continue;
      await rm(file, { force: true });
      freed.count++;
      freed.bytes += info.size;
    }
    return freed;
  }

  private async openFile(key: string): Promise<{ handle: FileHandle; size: number }> {
    let handle: FileHandle;
    try {
      handle = await open(this.pathOf(key), "r");
    } catch (error) {
      throw isMissing(error) ? new StorageNotFoundError(key, { cause: error }) : error;
    }
    const info = await handle.stat().catch(async (error: unknown) => {
      await handle.close();
      throw error;
    });
    if (!info.isFile()) {
      await handle.close();
      throw new StorageNotFoundError(key);
    }
    return { handle, size: info.size };
  }
}

/** Streams `body` into a new file at `file`, fsyncs and closes it, and returns the byte count. */
async function writeDurably(file: string, body: Readable, signal: AbortSignal | undefined): Promise<number> {
  // The writer fsyncs before it finishes, and pipeline settles only after that.
  const out = new SyncedFileWriter(file);
  await pipeline(body, out, { signal });
  return out.bytesWritten;
}

/** Makes a completed rename durable. */
async function syncDirectory(dir: string): Promise<void> {
  // Best effort: the object is already visible, and some filesystems refuse fsync on directories.
  const handle = await open(dir, "r").catch(() => null);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}
