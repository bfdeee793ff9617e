/** Data types, nodata parsing and number formatting as GDAL / Python report them. */
import type { ImageLevel } from "./image.js";

/** numpy dtype code of a band as GDAL 3.6 exposes it (sub-byte unsigned -> u1, Float16 -> f4). */
export function numpyDtype(level: Pick<ImageLevel, "sampleFormat" | "bitsPerSample">): string {
  const { sampleFormat: f, bitsPerSample: b } = level;
  if (f === 3) return b === 64 ? "f8" : "f4";
  const bytes = b <= 8 ? 1 : b <= 16 ? 2 : b <= 32 ? 4 : 8;
  return `${f === 2 ? "i" : "u"}${bytes}`;
}

/** Whether the dtype is floating point. */
export function isFloatDtype(dtype: string): boolean {
  return dtype.startsWith("f");
}

const FLT_MAX = 3.4028234663852886e38;

const INT_RANGE: Record<string, [number, number]> = {
  u1: [0, 255], i1: [-128, 127], u2: [0, 65535], i2: [-32768, 32767],
  u4: [0, 4294967295], i4: [-2147483648, 2147483647], u8: [0, 2 ** 64 - 1], i8: [-(2 ** 63), 2 ** 63 - 1],
};

/**
 * The value of never-written (sparse) blocks: nodata, or 0 without one. For integer bands the
 * nodata is rounded and clamped to the type's range as GDAL's GDALCopyWords does.
 */
export function sparseFillValue(nodata: number | null, dtype: string): number {
  if (nodata === null) return 0;
  const range = INT_RANGE[dtype];
  if (!range) return nodata;
  if (Number.isNaN(nodata)) return 0;
  return Math.min(range[1], Math.max(range[0], Math.round(nodata)));
}

/**
 * Parses the GDAL_NODATA tag like GDAL: C `atof` semantics (leading number, nan/inf words,
 * garbage reads as 0), and for Float32 bands values near ±FLT_MAX snap to it and the value is
 * rounded to float32. Returns `null` for an empty tag.
 */
export function parseGdalNodata(tag: string | undefined, dtype: string): number | null {
  if (tag === undefined || tag.trim() === "") return null;
  const s = tag.trim();
  let v: number;
  const word = /^([+-]?)(nan|inf(inity)?)/i.exec(s);
  if (word) v = word[2]!.toLowerCase() === "nan" ? NaN : word[1] === "-" ? -Infinity : Infinity;
  else {
    v = parseFloat(s);
    if (Number.isNaN(v)) v = 0;
  }
  if (dtype === "f4") {
    if (Math.abs(v - FLT_MAX) < 1e-10 * FLT_MAX) v = FLT_MAX;
    else if (Math.abs(v + FLT_MAX) < 1e-10 * FLT_MAX) v = -FLT_MAX;
    v = Math.fround(v);
  }
  return v;
}

/** Python's `repr(float(x))`: shortest round-trip digits, '1e+16', '0.0001', 'nan', '-inf'. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, exponent] = x.toExponential().split("e") as [string, string];
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace("-", "").replace(".", "");
  const point = Number(exponent) + 1; // value = 0.<digits> * 10^point
  if (point > -4 && point <= 16) {
    if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
    if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}.0`;
    return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
  }
  const e = point - 1;
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

/** The `fill_value` string: Python float repr for float dtypes, the integer for integer ones. */
export function formatFillValue(nodata: number | null, dtype: string): string | null {
  if (nodata === null) return null;
  if (!isFloatDtype(dtype) && Number.isInteger(nodata)) return BigInt(nodata).toString();
  return pythonFloatRepr(nodata);
}

const COMPRESSION_NAMES: Record<number, string> = {
  1: "NONE", 5: "LZW", 6: "OJPEG", 7: "JPEG", 8: "DEFLATE", 32946: "DEFLATE", 32773: "PACKBITS",
  34887: "LERC", 34925: "LZMA", 50000: "ZSTD", 50001: "WEBP", 50002: "JXL",
};

/** GDAL's name for a TIFF compression code; `null` for uncompressed. */
export function compressionName(code: number): string | null {
  if (code === 1) return null;
  return COMPRESSION_NAMES[code] ?? `TIFF compression ${code}`;
}
