/**
 * Adapters from the core's stored files and storage drivers to the GeoTIFF engine's
 * {@link ByteRangeReader}: every byte the engine needs is fetched with a ranged read.
 */
import { MAX_READ_LENGTH, type StorageDriver, type StoredFile } from "@assets/core";
import type { ByteRangeReader } from "@assets/geotiff";

type ReadFn = (offset: number, length: number) => Promise<Uint8Array>;

/**
 * Drivers cap one read at MAX_READ_LENGTH; a larger range (one huge uncompressed strip) is
 * fetched in pieces into one buffer, which the engine needs whole anyway.
 */
function chunkedRead(read: ReadFn, size: number): ReadFn {
  return async (offset, length) => {
    const wanted = Math.max(0, Math.min(length, size - offset));
    if (wanted <= MAX_READ_LENGTH) return read(offset, wanted);
    const out = new Uint8Array(wanted);
    let filled = 0;
    while (filled < wanted) {
      const part = await read(offset + filled, Math.min(MAX_READ_LENGTH, wanted - filled));
      if (part.length === 0) break;
      out.set(part, filled);
      filled += part.length;
    }
    return filled === wanted ? out : out.subarray(0, filled);
  };
}

/** A reader over the stored bytes a processor receives (`ctx.file`). */
export function storedFileReader(file: Pick<StoredFile, "size" | "read">): ByteRangeReader {
  return { size: file.size, read: chunkedRead((o, l) => file.read(o, l), file.size) };
}

/** A reader over one object of a storage driver, e.g. the file of a raster step. */
export function storageObjectReader(storage: StorageDriver, key: string, size: number): ByteRangeReader {
  return { size, read: chunkedRead((o, l) => storage.read(key, o, l), size) };
}

/** Makes every read after `signal` aborts reject, so long block loops stop promptly. */
export function abortableReader(inner: ByteRangeReader, signal: AbortSignal): ByteRangeReader {
  return {
    size: inner.size,
    read(offset, length) {
      signal.throwIfAborted();
      return inner.read(offset, length);
    },
  };
}
