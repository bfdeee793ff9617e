/** Paths and GDAL ground truth of the shared raster fixtures (see their README). */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type ByteRangeReader, type FileRangeReader, fileRangeReader } from "../reader.js";

// __tests__ -> src -> geotiff -> packages -> main -> /work
export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../../shared/fixtures/rasters");

export interface TruthStats {
  band: number;
  min: number;
  max: number;
  mean: number;
  stddev: number;
  valid_percent: number;
}

export interface TruthFile {
  file: string;
  valid: boolean;
  description?: string;
  projection?: string | null;
  origin_x?: number | null;
  origin_y?: number | null;
  upper_bound_x?: number | null;
  upper_bound_y?: number | null;
  pixelsize_x?: number | null;
  pixelsize_y?: number | null;
  spatial_bounds?: { west: number; east: number; north: number; south: number } | null;
  dtype?: string;
  fill_value?: string | null;
  width?: number;
  height?: number;
  band_count?: number;
  size_bytes: number;
  data_size_bytes?: number;
  gdal?: {
    overviews: [number, number][];
    block_size: [number, number];
    stats: TruthStats[];
    samples: { col: number; row: number; values: number[] }[];
  };
}

export const truth: TruthFile[] = (JSON.parse(readFileSync(join(FIXTURES, "truth.json"), "utf8")) as { files: TruthFile[] }).files;

export function truthOf(file: string): TruthFile {
  const t = truth.find((f) => f.file === file);
  if (!t) throw new Error(`${file} is not in truth.json`);
  return t;
}

/** Runs `fn` with a reader on a fixture and closes it afterwards. */
export async function withFixture<T>(file: string, fn: (reader: FileRangeReader) => Promise<T>): Promise<T> {
  const reader = await fileRangeReader(join(FIXTURES, file));
  try {
    return await fn(reader);
  } finally {
    await reader.close();
  }
}

/** Asserts |actual - expected| <= tolerance, relative to |expected| (min 1) or absolute. */
export function expectClose(
  actual: number | null | undefined,
  expected: number,
  tolerance: { rel: number } | { abs: number },
  what: string,
): void {
  const allowed = "rel" in tolerance ? tolerance.rel * Math.max(1, Math.abs(expected)) : tolerance.abs;
  if (typeof actual !== "number" || !(Math.abs(actual - expected) <= allowed)) {
    throw new Error(`${what}: expected ${expected} (±${allowed}), got ${actual}`);
  }
}

/** An in-memory {@link ByteRangeReader}. */
export function bufferReader(bytes: Uint8Array): ByteRangeReader {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.slice(offset, Math.min(bytes.length, offset + length)),
  };
}
