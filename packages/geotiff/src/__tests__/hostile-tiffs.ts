/**
 * Hand-written GeoTIFFs for hostile-input tests: tiny files that declare huge images, sparse
 * tiles, shared tiles and deflate bombs (issue 17). Each is a classic little-endian TIFF,
 * georeferenced in EPSG:28992 (1 m pixels), that `gdalinfo` opens; nothing here uses the engine.
 */
import { deflateSync } from "node:zlib";

/** What a hand-written TIFF declares and stores. */
export interface TiffSpec {
  width: number;
  height: number;
  /** Tile size; strips of `rowsPerStrip` rows without it. */
  tile?: [number, number];
  /** Rows per strip (default: the whole image in one strip). */
  rowsPerStrip?: number;
  bitsPerSample?: number;
  /** TIFF SampleFormat: 1 unsigned (default), 2 signed, 3 float. */
  sampleFormat?: number;
  /** TIFF Compression: 1 none (default), 8 deflate. */
  compression?: number;
  /** GDAL_NODATA text. */
  nodata?: string;
  /**
   * Stored bytes of the blocks. `undefined` entries (and all blocks when omitted) are sparse:
   * offset and byte count 0. `{ shared }` points every block at the same bytes.
   */
  blocks?: (Uint8Array | undefined)[] | { shared: Uint8Array };
}

const SHORT = 3;
const LONG = 4;
const ASCII = 2;
const DOUBLE = 12;
type Entry = [tag: number, type: number, values: number[] | string];

function blockCount(s: TiffSpec): number {
  if (s.tile) return Math.ceil(s.width / s.tile[0]) * Math.ceil(s.height / s.tile[1]);
  return Math.ceil(s.height / (s.rowsPerStrip ?? s.height));
}

/** Builds the TIFF of `spec` in memory. */
export function buildTiff(spec: TiffSpec): Buffer {
  const n = blockCount(spec);
  const payloads: (Uint8Array | undefined)[] = [];
  const offsets = new Array<number>(n).fill(0);
  const counts = new Array<number>(n).fill(0);
  const shared = spec.blocks && !Array.isArray(spec.blocks) ? spec.blocks.shared : undefined;
  if (shared) payloads.push(shared);
  else if (Array.isArray(spec.blocks)) payloads.push(...spec.blocks);

  const entries: Entry[] = [
    [256, LONG, [spec.width]],
    [257, LONG, [spec.height]],
    [258, SHORT, [spec.bitsPerSample ?? 8]],
    [259, SHORT, [spec.compression ?? 1]],
    [262, SHORT, [1]],
    [277, SHORT, [1]],
    [284, SHORT, [1]],
    [339, SHORT, [spec.sampleFormat ?? 1]],
    [33550, DOUBLE, [1, 1, 0]],
    [33922, DOUBLE, [0, 0, 0, 100_000, 500_000, 0]],
    // GTModelType projected, GTRasterType area, ProjectedCSType 28992.
    [34735, SHORT, [1, 1, 0, 3, 1024, 0, 1, 1, 1025, 0, 1, 1, 3072, 0, 1, 28992]],
  ];
  if (spec.tile) entries.push([322, LONG, [spec.tile[0]]], [323, LONG, [spec.tile[1]]], [324, LONG, offsets], [325, LONG, counts]);
  else entries.push([273, LONG, offsets], [278, LONG, [spec.rowsPerStrip ?? spec.height]], [279, LONG, counts]);
  if (spec.nodata !== undefined) entries.push([42113, ASCII, `${spec.nodata}\0`]);
  entries.sort((a, b) => a[0] - b[0]);

  const size = (e: Entry) => (typeof e[2] === "string" ? e[2].length : e[2].length * (e[1] === DOUBLE ? 8 : e[1] === LONG ? 4 : 2));
  const ifdAt = 8;
  const ifdSize = 2 + entries.length * 12 + 4;
  let valuesAt = ifdAt + ifdSize;
  const valueAt = new Map<Entry, number>();
  for (const e of entries) {
    if (size(e) > 4) {
      valueAt.set(e, valuesAt);
      valuesAt += size(e) + (size(e) % 2);
    }
  }
  // Block data after the directory; offsets are known once the directory size is.
  let dataAt = valuesAt;
  const dataStart = dataAt;
  const payloadAt = payloads.map((p) => {
    if (!p) return 0;
    const at = dataAt;
    dataAt += p.length;
    return at;
  });
  for (let i = 0; i < n; i++) {
    const k = shared ? 0 : i;
    const p = payloads[k];
    if (p) [offsets[i], counts[i]] = [payloadAt[k]!, p.length];
  }

  const out = Buffer.alloc(dataAt);
  out.write("II", 0, "latin1");
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(ifdAt, 4);
  out.writeUInt16LE(entries.length, ifdAt);
  const write = (e: Entry, at: number) => {
    const [, type, values] = e;
    if (typeof values === "string") return void out.write(values, at, "latin1");
    values.forEach((v, i) => {
      if (type === DOUBLE) out.writeDoubleLE(v, at + 8 * i);
      else if (type === LONG) out.writeUInt32LE(v, at + 4 * i);
      else out.writeUInt16LE(v, at + 2 * i);
    });
  };
  entries.forEach((e, i) => {
    const at = ifdAt + 2 + 12 * i;
    out.writeUInt16LE(e[0], at);
    out.writeUInt16LE(e[1], at + 2);
    out.writeUInt32LE(typeof e[2] === "string" ? e[2].length : e[2].length, at + 4);
    const outOfLine = valueAt.get(e);
    if (outOfLine === undefined) write(e, at + 8);
    else {
      out.writeUInt32LE(outOfLine, at + 8);
      write(e, outOfLine);
    }
  });
  out.writeUInt32LE(0, ifdAt + 2 + 12 * entries.length);
  let at = dataStart;
  for (const p of payloads) {
    if (!p) continue;
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The hostile files of issue 17, by name: what each declares and why it is hostile. */
export const HOSTILE_TIFFS = {
  /** 65536 x 65536 bytes in 256 never-written 4096 x 4096 tiles (2.3 KB): 4 Gpixel of statistics over nothing. */
  sparseGiant: () => buildTiff({ width: 65536, height: 65536, tile: [4096, 4096] }),
  /** 16384 x 16384 Float64 in one never-written strip (~300 bytes): a 2 GiB block to allocate. */
  hugeSparseStrip: () => buildTiff({ width: 16384, height: 16384, bitsPerSample: 64, sampleFormat: 3 }),
  /** 4294967295 x 4294967295 bytes in one never-written strip: no typed array can hold it. */
  impossibleSize: () => buildTiff({ width: 0xffffffff, height: 0xffffffff }),
  /**
   * 16384 x 16384 bytes whose 256 tiles of 1024 x 1024 all point at one 1 KB deflate stream:
   * 256 Mpixel of real decoding and summing from a 3 KB file (inside the default budget).
   */
  sharedDeflateTiles: () =>
    buildTiff({ width: 16384, height: 16384, tile: [1024, 1024], compression: 8, blocks: { shared: deflateSync(Buffer.alloc(1024 * 1024, 7), { level: 9 }) } }),
  /** One 256 x 256 byte tile (64 KiB) stored as a 65 KB deflate stream that inflates to 64 MiB. */
  deflateBomb: () =>
    buildTiff({ width: 256, height: 256, tile: [256, 256], compression: 8, blocks: [deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 })] }),
} as const;

/** Name of one of the {@link HOSTILE_TIFFS}. */
export type HostileTiff = keyof typeof HOSTILE_TIFFS;
