/**
 * Minimal TIFF / BigTIFF directory parser working on ranged reads only. It reads the header,
 * every IFD in the chain and the out-of-line values of the tags the engine needs — never pixel
 * data. (geotiff.js' own parser reads fixed 1 KiB slices, which overlap pixel data in small
 * files, and decodes deferred arrays of big-endian files as little-endian.)
 */
import { InvalidRasterError } from "./errors.js";
import type { ByteRangeReader } from "./reader.js";

/** TIFF tag numbers used by the engine. */
export const Tag = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfiguration: 284,
  Predictor: 317,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  SampleFormat: 339,
  JPEGTables: 347,
  ModelPixelScale: 33550,
  ModelTiepoint: 33922,
  ModelTransformation: 34264,
  GeoKeyDirectory: 34735,
  GeoDoubleParams: 34736,
  GeoAsciiParams: 34737,
  GdalNodata: 42113,
  LercParameters: 50674,
} as const;

const WANTED = new Set<number>(Object.values(Tag));

/** Byte size of one value of each TIFF field type. */
const TYPE_SIZE: Record<number, number> = {
  1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 16: 8, 17: 8, 18: 8,
};
const ASCII = 2;

/** Decoded tag values: numbers for numeric types (rationals as doubles), text for ASCII. */
export type TagValue = number[] | string;

/** File-level facts from the 8- or 16-byte TIFF header. */
export interface TiffHeader {
  littleEndian: boolean;
  bigTiff: boolean;
  firstIfdOffset: number;
}

/** One image file directory with the values of the tags in {@link Tag}. */
export interface Ifd {
  /** File offset of the directory. */
  offset: number;
  tags: Map<number, TagValue>;
}

/** The parsed directory structure of a TIFF file. */
export interface TiffFile {
  header: TiffHeader;
  ifds: Ifd[];
}

const MAX_IFDS = 10_000;
const MAX_VALUE_BYTES = 512 * 1024 * 1024;

function describeStart(bytes: Uint8Array): string {
  const text = String.fromCharCode(...bytes.subarray(0, 8));
  if (/^[\x20-\x7e\t\r\n]+$/.test(text)) return `it starts with the text "${text.trim()}…"`;
  return `it starts with bytes ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ")}`;
}

async function readHeader(reader: ByteRangeReader): Promise<TiffHeader> {
  if (reader.size === 0) throw new InvalidRasterError("empty file (0 bytes): not a TIFF");
  if (reader.size < 8) throw new InvalidRasterError(`not a TIFF file: only ${reader.size} bytes`);
  const head = await reader.read(0, 8);
  const order = String.fromCharCode(head[0]!, head[1]!);
  if (order !== "II" && order !== "MM") {
    throw new InvalidRasterError(`not a TIFF file: ${describeStart(head)} instead of a TIFF byte-order mark`);
  }
  const littleEndian = order === "II";
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const version = view.getUint16(2, littleEndian);
  if (version === 42) {
    return { littleEndian, bigTiff: false, firstIfdOffset: view.getUint32(4, littleEndian) };
  }
  if (version !== 43) {
    throw new InvalidRasterError(`not a TIFF file: version number ${version} is neither 42 (TIFF) nor 43 (BigTIFF)`);
  }
  if (reader.size < 16) throw new InvalidRasterError("truncated BigTIFF header");
  const more = await reader.read(8, 8);
  const moreView = new DataView(more.buffer, more.byteOffset, more.byteLength);
  if (view.getUint16(4, littleEndian) !== 8) throw new InvalidRasterError("unsupported BigTIFF offset size");
  return { littleEndian, bigTiff: true, firstIfdOffset: Number(moreView.getBigUint64(0, littleEndian)) };
}

function decodeValues(bytes: Uint8Array, type: number, count: number, le: boolean): TagValue {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === ASCII) {
    const end = bytes.indexOf(0);
    return new TextDecoder("latin1").decode(end >= 0 ? bytes.subarray(0, end) : bytes);
  }
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    switch (type) {
      case 1: case 7: out[i] = v.getUint8(i); break;
      case 6: out[i] = v.getInt8(i); break;
      case 3: out[i] = v.getUint16(2 * i, le); break;
      case 8: out[i] = v.getInt16(2 * i, le); break;
      case 4: case 13: out[i] = v.getUint32(4 * i, le); break;
      case 9: out[i] = v.getInt32(4 * i, le); break;
      case 5: out[i] = v.getUint32(8 * i, le) / v.getUint32(8 * i + 4, le); break;
      case 10: out[i] = v.getInt32(8 * i, le) / v.getInt32(8 * i + 4, le); break;
      case 11: out[i] = v.getFloat32(4 * i, le); break;
      case 12: out[i] = v.getFloat64(8 * i, le); break;
      case 16: case 18: out[i] = Number(v.getBigUint64(8 * i, le)); break;
      case 17: out[i] = Number(v.getBigInt64(8 * i, le)); break;
    }
  }
  return out;
}

async function readIfd(reader: ByteRangeReader, h: TiffHeader, offset: number, index: number): Promise<{ ifd: Ifd; next: number }> {
  const countSize = h.bigTiff ? 8 : 2;
  const entrySize = h.bigTiff ? 20 : 12;
  const offsetSize = h.bigTiff ? 8 : 4;
  const where = `image file directory #${index} at offset ${offset}`;
  if (offset < 8 || offset + countSize > reader.size) {
    throw new InvalidRasterError(`unreadable TIFF: ${where} lies beyond the end of the file (${reader.size} bytes)`);
  }
  const countBytes = await reader.read(offset, countSize);
  const cv = new DataView(countBytes.buffer, countBytes.byteOffset, countBytes.byteLength);
  const n = h.bigTiff ? Number(cv.getBigUint64(0, h.littleEndian)) : cv.getUint16(0, h.littleEndian);
  const bodyLength = n * entrySize + offsetSize;
  if (n === 0 || n > 4096 || offset + countSize + bodyLength > reader.size) {
    throw new InvalidRasterError(`unreadable TIFF: ${where} is empty, implausible (${n} entries) or truncated`);
  }
  const body = await reader.read(offset + countSize, bodyLength);
  const bv = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const le = h.littleEndian;

  const tags = new Map<number, TagValue>();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const e = i * entrySize;
    const tag = bv.getUint16(e, le);
    const type = bv.getUint16(e + 2, le);
    const count = h.bigTiff ? Number(bv.getBigUint64(e + 4, le)) : bv.getUint32(e + 4, le);
    const size = TYPE_SIZE[type];
    if (!WANTED.has(tag) || size === undefined) continue; // libtiff also skips unknown types
    const byteLength = size * count;
    const valueField = e + (h.bigTiff ? 12 : 8);
    if (byteLength <= offsetSize) {
      tags.set(tag, decodeValues(body.subarray(valueField, valueField + byteLength), type, count, le));
      continue;
    }
    const at = h.bigTiff ? Number(bv.getBigUint64(valueField, le)) : bv.getUint32(valueField, le);
    if (byteLength > MAX_VALUE_BYTES || at + byteLength > reader.size) {
      throw new InvalidRasterError(
        `unreadable TIFF: tag ${tag} of ${where} points past the end of the file (${at}+${byteLength} > ${reader.size} bytes)`,
      );
    }
    pending.push(reader.read(at, byteLength).then((bytes) => void tags.set(tag, decodeValues(bytes, type, count, le))));
  }
  await Promise.all(pending);
  const nextAt = n * entrySize;
  const next = h.bigTiff ? Number(bv.getBigUint64(nextAt, le)) : bv.getUint32(nextAt, le);
  return { ifd: { offset, tags }, next };
}

/** Reads the header and the whole IFD chain; throws {@link InvalidRasterError} when unreadable. */
export async function readTiff(reader: ByteRangeReader): Promise<TiffFile> {
  const header = await readHeader(reader);
  const ifds: Ifd[] = [];
  const seen = new Set<number>();
  let offset = header.firstIfdOffset;
  while (offset !== 0) {
    if (seen.has(offset) || ifds.length >= MAX_IFDS) {
      throw new InvalidRasterError("unreadable TIFF: the chain of image file directories loops");
    }
    seen.add(offset);
    const { ifd, next } = await readIfd(reader, header, offset, ifds.length);
    ifds.push(ifd);
    offset = next;
  }
  if (ifds.length === 0) throw new InvalidRasterError("unreadable TIFF: the file contains no image directory");
  return { header, ifds };
}

/** The numeric values of a tag, or `undefined` when absent or ASCII. */
export function numbers(ifd: Ifd, tag: number): number[] | undefined {
  const v = ifd.tags.get(tag);
  return Array.isArray(v) ? v : undefined;
}

/** The first numeric value of a tag, or `fallback`. */
export function scalar(ifd: Ifd, tag: number, fallback: number): number {
  return numbers(ifd, tag)?.[0] ?? fallback;
}

/** An ASCII tag's text, or `undefined`. */
export function text(ifd: Ifd, tag: number): string | undefined {
  const v = ifd.tags.get(tag);
  return typeof v === "string" ? v : undefined;
}
