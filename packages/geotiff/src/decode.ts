/**
 * Decodes one stored strip or tile into a native-endian typed array: decompression (node:zlib
 * for DEFLATE, geotiff.js decoders for the rest), TIFF predictors and byte order handled here.
 */
import { promisify } from "node:util";
import { inflate } from "node:zlib";
import type { getDecoder } from "geotiff";
import { blockBytes } from "./budget.js";
import { InvalidRasterError } from "./errors.js";
import { compressionName } from "./format.js";
import type { ImageLevel } from "./image.js";

/** Typed arrays a block decodes to. */
export type SampleArray =
  | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** A decoded strip or tile. */
export interface DecodedBlock {
  /** Row-major samples; `samples` values per pixel. */
  data: SampleArray;
  /** Row length in pixels (tile width, or image width for strips). */
  width: number;
  /** Rows held by this block (the last strip can be short). */
  rows: number;
  /** Samples per pixel in `data`: all bands when interleaved, 1 for separate planes. */
  samples: number;
}

type GeotiffDecoder = Awaited<ReturnType<typeof getDecoder>>;
type DecoderParameters = Parameters<typeof getDecoder>[1];

const inflateAsync = promisify(inflate);
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const DEFLATE = new Set([8, 32946]);
const LERC = 34887;
const JPEG = 7;
const PHOTOMETRIC_YCBCR = 6;

/** Compression codes with a decoder: none, LZW, JPEG, DEFLATE, PackBits, LERC, ZSTD, WebP. */
const DECODABLE = new Set([1, 5, 7, 8, 32946, 32773, 34887, 50000, 50001]);

/** Throws {@link InvalidRasterError} when the level's data type or compression cannot be decoded. */
export function assertDecodable(level: ImageLevel): void {
  const { sampleFormat: f, bitsPerSample: b, compression } = level;
  const integer = f === 1 || f === 2;
  const supported = (f === 3 && (b === 16 || b === 32 || b === 64)) || (integer && [8, 16, 32, 64].includes(b)) || (f === 1 && b < 32);
  if (!supported) {
    const kind = f === 5 || f === 6 ? "complex numbers" : `SampleFormat ${f} with ${b} bits per sample`;
    throw new InvalidRasterError(`unsupported TIFF data type: ${kind}`);
  }
  if (!DECODABLE.has(compression)) throw new InvalidRasterError(`unsupported TIFF compression: ${compressionName(compression)}`);
}

/** Decodes the blocks of one {@link ImageLevel}. */
export class BlockDecoder {
  private decoder?: Promise<GeotiffDecoder>;
  private readonly samples: number;

  constructor(private readonly level: ImageLevel, private readonly fileLittleEndian: boolean) {
    assertDecodable(level);
    this.samples = level.planar === 2 ? 1 : level.samplesPerPixel;
  }

  /** Rows stored in block row `by`. */
  rowsIn(by: number): number {
    const { tiled, blockHeight, height } = this.level;
    return tiled ? blockHeight : Math.min(blockHeight, height - by * blockHeight);
  }

  /** A block that was never written (offset and count 0): GDAL reads it as nodata, or 0. */
  sparse(by: number, fill: number): DecodedBlock {
    const rows = this.rowsIn(by);
    const data = this.allocate(rows * this.level.blockWidth * this.samples);
    data.fill(fill);
    return { data, width: this.level.blockWidth, rows, samples: this.samples };
  }

  /** Bytes one full block decodes to (a strip of RowsPerStrip rows, or a whole tile). */
  get fullBytes(): number {
    return blockBytes(this.level);
  }

  /**
   * The value a never-written block holds, as its typed array stores it (e.g. rounded to
   * float32), so a sparse block can be summarized without allocating it.
   */
  sparseValue(fill: number): number {
    const one = this.allocate(1);
    one[0] = fill;
    return one[0]!;
  }

  /** Decodes the stored bytes of block row `by`; `what` names the block in errors. */
  async decode(stored: Uint8Array, by: number, what: string): Promise<DecodedBlock> {
    const { blockWidth: width, bitsPerSample: bits, predictor } = this.level;
    const rows = this.rowsIn(by);
    const rowBytes = Math.ceil((width * this.samples * bits) / 8);
    const expected = rows * rowBytes;
    const full = this.fullBytes;
    let bytes: Uint8Array;
    try {
      bytes = await this.decompress(stored, full);
    } catch (e) {
      if (e instanceof InvalidRasterError) throw e;
      if ((e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(what, full);
      throw new InvalidRasterError(`corrupt ${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (bytes.byteLength > full && this.level.compression !== 1) throw tooLarge(what, full);
    if (bytes.byteLength < expected) {
      throw new InvalidRasterError(`corrupt ${what}: it decodes to ${bytes.byteLength} bytes, expected ${expected}`);
    }
    bytes = bytes.subarray(0, expected);
    const count = rows * width * this.samples;
    if (bits % 8 !== 0) return { data: unpackBits(bytes, bits, rows, width * this.samples, rowBytes), width, rows, samples: this.samples };
    let data: SampleArray;
    if (predictor === 3) {
      floatingPointPredictor(bytes, rowBytes, this.samples, bits / 8);
      data = this.view(bytes, false, count); // the predictor leaves host byte order
    } else {
      const fileOrder = this.level.compression !== LERC; // LERC decodes to host order
      data = this.view(bytes, fileOrder && this.fileLittleEndian !== HOST_LE, count);
      if (predictor === 2) horizontalPredictor(data, width * this.samples, this.samples, what);
    }
    if (this.level.photometric === PHOTOMETRIC_YCBCR && this.level.compression === JPEG && data instanceof Uint8Array && this.samples === 3) {
      ycbcrToRgb(data); // GDAL reads JPEG-compressed YCbCr as RGB (JPEGCOLORMODE_RGB)
    }
    return { data, width, rows, samples: this.samples };
  }

  private async decompress(stored: Uint8Array, full: number): Promise<Uint8Array> {
    const c = this.level.compression;
    if (c === 1) return stored;
    // One output chunk for the whole block (zlib's default 16 KiB chunks cost a thread-pool
    // round trip each), and never more than the block holds: a longer stream is corrupt, and
    // inflating it whole would let a few KB of file allocate gigabytes.
    if (DEFLATE.has(c)) return inflateAsync(stored, { chunkSize: Math.max(64 * 1024, full + 1), maxOutputLength: full });
    this.decoder ??= this.makeDecoder();
    const decoder = await this.decoder;
    // `new Uint8Array(view)` copies: a Node Buffer's slice() would share the whole pool buffer.
    const exact = stored.byteOffset === 0 && stored.byteLength === stored.buffer.byteLength ? stored : new Uint8Array(stored);
    return new Uint8Array(await decoder.decode(exact.buffer));
  }

  private async makeDecoder(): Promise<GeotiffDecoder> {
    const l = this.level;
    // geotiff.js loads with the first block that needs one of its decoders, not at start-up.
    const { getDecoder } = await import("geotiff");
    // Predictors are applied by this module (geotiff.js assumes little-endian data for them).
    const params: DecoderParameters & { JPEGTables?: number[]; LercParameters?: number[] } = {
      tileWidth: l.blockWidth,
      tileHeight: l.blockHeight,
      predictor: 1,
      bitsPerSample: new Array<number>(l.samplesPerPixel).fill(l.bitsPerSample),
      planarConfiguration: l.planar,
      samplesPerPixel: l.samplesPerPixel,
      JPEGTables: l.jpegTables,
      LercParameters: l.lercParameters,
    };
    return getDecoder(l.compression, params).catch((e: unknown) => {
      throw new InvalidRasterError(`unsupported TIFF compression ${l.compression}: ${e instanceof Error ? e.message : String(e)}`);
    });
  }

  private allocate(n: number): SampleArray {
    const { sampleFormat: f, bitsPerSample: b } = this.level;
    if (f === 3) return b === 64 ? new Float64Array(n) : new Float32Array(n);
    if (b === 64) return new Float64Array(n);
    if (f === 2) return b === 8 ? new Int8Array(n) : b === 16 ? new Int16Array(n) : new Int32Array(n);
    return b <= 8 ? new Uint8Array(n) : b <= 16 ? new Uint16Array(n) : new Uint32Array(n);
  }

  /** Interprets byte-aligned samples, swapping byte order when needed. */
  private view(bytes: Uint8Array, swap: boolean, count: number): SampleArray {
    const { sampleFormat: f, bitsPerSample: b } = this.level;
    const size = b / 8;
    let src = bytes;
    if (swap && size > 1) src = swapBytes(bytes, size);
    else if (src.byteOffset % size !== 0) src = new Uint8Array(src); // an aligned copy (Buffer.slice would not copy)
    const buf = src.buffer;
    const at = src.byteOffset;
    if (f === 3 && b === 16) return halfToFloat(new Uint16Array(buf, at, count));
    if (f === 3) return b === 32 ? new Float32Array(buf, at, count) : new Float64Array(buf, at, count);
    if (b === 64) {
      const big = f === 2 ? new BigInt64Array(buf, at, count) : new BigUint64Array(buf, at, count);
      return Float64Array.from(big, (v) => Number(v));
    }
    if (f === 2) return b === 8 ? new Int8Array(buf, at, count) : b === 16 ? new Int16Array(buf, at, count) : new Int32Array(buf, at, count);
    return b === 8 ? new Uint8Array(buf, at, count) : b === 16 ? new Uint16Array(buf, at, count) : new Uint32Array(buf, at, count);
  }
}

function tooLarge(what: string, full: number): InvalidRasterError {
  return new InvalidRasterError(`corrupt ${what}: it decompresses to more than the ${full} bytes the block holds`);
}

function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += size) {
    for (let k = 0; k < size; k++) out[i + k] = bytes[i + size - 1 - k]!;
  }
  return out;
}

/** Predictor 2: each sample is stored as the difference to the same sample one pixel left. */
function horizontalPredictor(data: SampleArray, rowLength: number, stride: number, what: string): void {
  if (data instanceof Float32Array || data instanceof Float64Array) {
    throw new InvalidRasterError(`unsupported ${what}: horizontal predictor on floating-point or 64-bit data`);
  }
  for (let row = 0; row < data.length; row += rowLength) {
    for (let i = row + stride; i < row + rowLength; i++) data[i] = data[i]! + data[i - stride]!;
  }
}

/** Predictor 3 (libtiff fpAcc): byte-wise differences over byte planes, MSB plane first. */
function floatingPointPredictor(bytes: Uint8Array, rowBytes: number, stride: number, size: number): void {
  const count = rowBytes / size;
  const tmp = new Uint8Array(rowBytes);
  for (let row = 0; row < bytes.length; row += rowBytes) {
    const r = bytes.subarray(row, row + rowBytes);
    for (let i = stride; i < rowBytes; i++) r[i] = (r[i]! + r[i - stride]!) & 0xff;
    tmp.set(r);
    for (let i = 0; i < count; i++) {
      for (let b = 0; b < size; b++) r[size * i + b] = tmp[(HOST_LE ? size - b - 1 : b) * count + i]!;
    }
  }
}

/** Unsigned samples of 1-31 bits, MSB first, each row starting on a byte boundary. */
function unpackBits(bytes: Uint8Array, bits: number, rows: number, perRow: number, rowBytes: number): SampleArray {
  const n = rows * perRow;
  const out = bits <= 8 ? new Uint8Array(n) : bits <= 16 ? new Uint16Array(n) : new Uint32Array(n);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    let bit = r * rowBytes * 8;
    for (let i = 0; i < perRow; i++, bit += bits) {
      let v = 0;
      for (let j = 0; j < bits; j++) {
        const p = bit + j;
        v = v * 2 + ((bytes[p >> 3]! >> (7 - (p & 7))) & 1);
      }
      out[k++] = v;
    }
  }
  return out;
}

/** libjpeg's fixed-point YCbCr -> RGB (jdcolor.c), in place on interleaved 8-bit samples. */
function ycbcrToRgb(data: Uint8Array): void {
  const ONE_HALF = 1 << 15;
  const fix = (x: number) => Math.round(x * 65536);
  for (let i = 0; i + 2 < data.length; i += 3) {
    const y = data[i]!, cb = data[i + 1]! - 128, cr = data[i + 2]! - 128;
    const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);
    data[i] = clamp(y + ((fix(1.402) * cr + ONE_HALF) >> 16));
    data[i + 1] = clamp(y + ((-fix(0.34414) * cb - fix(0.71414) * cr + ONE_HALF) >> 16));
    data[i + 2] = clamp(y + ((fix(1.772) * cb + ONE_HALF) >> 16));
  }
}

function halfToFloat(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const h = src[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    out[i] = exp === 0 ? sign * 2 ** -14 * (frac / 1024)
      : exp === 31 ? (frac ? NaN : sign * Infinity)
      : sign * 2 ** (exp - 15) * (1 + frac / 1024);
  }
  return out;
}
