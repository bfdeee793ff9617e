/**
 * A zip archive read through random access to its stored bytes (yauzl reads the central
 * directory, then each entry on demand), never unpacked to disk. Unsafe archives are refused:
 * entry paths that are absolute or climb out with `..`, declared sizes past the budget (a zip
 * bomb), entries whose inflated bytes differ from their declared size.
 */
import { PassThrough, Transform, type Readable } from "node:stream";
import yauzl, { type Entry, type ZipFile } from "yauzl";
import type { ByteSource } from "../byte-source.js";
import { InvalidDatasetError } from "../errors.js";

/** Budgets of {@link openZip}. */
export interface ZipLimits {
  /** Entries in the archive (default 1,000). */
  maxEntries?: number;
  /** Inflated bytes of all entries together, declared and actual (default 8 GiB). */
  maxInflatedBytes?: number;
  /** Inflated/compressed ratio allowed for an entry that inflates past 64 MiB (default 200). */
  maxRatio?: number;
}

const BIG_ENTRY = 64 * 1024 * 1024;

/** One file in the archive. */
export interface ZipEntryInfo {
  /** Path inside the archive, `/`-separated. */
  name: string;
  compressedSize: number;
  size: number;
}

/** An open archive: its file entries and a way to stream each. */
export interface ZipArchive {
  entries: ZipEntryInfo[];
  /** Streams an entry's inflated bytes, counted against the archive's inflated-bytes budget. */
  open(entry: ZipEntryInfo): Promise<Readable>;
  close(): void;
}

class SourceReader extends yauzl.RandomAccessReader {
  constructor(private readonly source: ByteSource) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const out = new PassThrough();
    if (end <= start) {
      out.end();
      return out;
    }
    this.source.openRange(start, end - 1).then(
      (stream) => stream.on("error", (error) => out.destroy(error)).pipe(out),
      (error: Error) => out.destroy(error),
    );
    return out;
  }
}

/** yauzl's messages for archives that are not zips, and for unsafe names. */
function zipError(error: Error): Error {
  const message = error.message;
  if (/absolute path|invalid relative path|invalid characters in fileName/.test(message)) {
    return new InvalidDatasetError("ZIP_UNSAFE_PATH", `The archive has an entry outside it: ${message}`, { cause: error });
  }
  if (/too many bytes|not enough bytes|expected .* bytes|inflate|invalid (stored )?block|incorrect header check|invalid distance/i.test(message)) {
    return new InvalidDatasetError("ZIP_SIZE_MISMATCH", `An entry of the archive is corrupt or not the size it declares: ${message}`, { cause: error });
  }
  if (/end of central directory|signature|invalid|zip64|central directory|unsupported|encrypted|compression method/i.test(message)) {
    return new InvalidDatasetError("NOT_ZIP", `The file is not a readable zip archive: ${message}`, { cause: error });
  }
  return error;
}

/** A second guard on the inflated bytes, beside yauzl's check against the declared sizes. */
function budget(remaining: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      remaining.bytes -= chunk.length;
      if (remaining.bytes < 0) callback(new InvalidDatasetError("ZIP_TOO_LARGE", "The archive inflates to more than its budget (a zip bomb?)"));
      else callback(null, chunk);
    },
  });
}

/** Reads the archive's directory and checks every entry. Errors are {@link InvalidDatasetError}s. */
export async function openZip(source: ByteSource, limits: ZipLimits = {}): Promise<ZipArchive> {
  const maxEntries = limits.maxEntries ?? 1000;
  const maxInflated = limits.maxInflatedBytes ?? 8 * 1024 ** 3;
  const maxRatio = limits.maxRatio ?? 200;
  if (source.size === 0) throw new InvalidDatasetError("EMPTY_FILE", "The file is empty");
  const reader = new SourceReader(source);
  const zip = await new Promise<ZipFile>((resolve, reject) =>
    yauzl.fromRandomAccessReader(reader, source.size, { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: true }, (error, zipfile) =>
      error ? reject(zipError(error)) : resolve(zipfile),
    ),
  );
  const byName = new Map<string, Entry>();
  let declared = 0;
  try {
    if (zip.entryCount > maxEntries) throw new InvalidDatasetError("ZIP_TOO_LARGE", `The archive has ${zip.entryCount} entries; at most ${maxEntries} are accepted`);
    await new Promise<void>((resolve, reject) => {
      zip.on("entry", (entry: Entry) => {
        const name = entry.fileName;
        if (name.split("/").some((part) => part === "..") || name.startsWith("/")) {
          return reject(new InvalidDatasetError("ZIP_UNSAFE_PATH", `The archive has an entry outside it: ${name}`));
        }
        declared += entry.uncompressedSize;
        if (declared > maxInflated) return reject(new InvalidDatasetError("ZIP_TOO_LARGE", `The archive declares more than ${maxInflated} inflated bytes (a zip bomb?)`));
        if (entry.uncompressedSize > BIG_ENTRY && entry.uncompressedSize > maxRatio * Math.max(1, entry.compressedSize)) {
          return reject(new InvalidDatasetError("ZIP_TOO_LARGE", `${name} inflates ${Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize))} times its size (a zip bomb?)`));
        }
        if (!name.endsWith("/")) byName.set(name, entry);
        zip.readEntry();
      });
      zip.on("end", resolve);
      zip.on("error", (error: Error) => reject(zipError(error)));
      zip.readEntry();
    });
  } catch (error) {
    zip.close();
    throw error;
  }
  const remaining = { bytes: maxInflated };
  return {
    entries: [...byName.values()].map((e) => ({ name: e.fileName, compressedSize: e.compressedSize, size: e.uncompressedSize })),
    open: async (info) => {
      const entry = byName.get(info.name);
      if (!entry) throw new Error(`No entry ${info.name} in the archive`);
      const stream = await new Promise<Readable>((resolve, reject) =>
        zip.openReadStream(entry, (error, s) => (error ? reject(zipError(error)) : resolve(s))),
      );
      const counted = budget(remaining);
      stream.on("error", (error: Error) => counted.destroy(zipError(error)));
      return stream.pipe(counted);
    },
    close: () => zip.close(),
  };
}
