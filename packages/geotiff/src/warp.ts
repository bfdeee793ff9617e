/**
 * Windows requested in another coordinate system than the raster's: output pixel centres are
 * transformed to raster pixel positions exactly on a coarse grid of control points and
 * interpolated bilinearly in between, refined until the interpolation error is below 1/8 pixel
 * (GDAL's approximate transformer does the same, with the same default error threshold).
 */
import type { PointTransform } from "./crs.js";
import type { DecodedBlock } from "./decode.js";
import type { GeoTransform } from "./georef.js";
import type { ImageLevel } from "./image.js";

/** Output pixel (i, j) -> full-resolution raster pixel position (col, row), row by row. */
export interface PixelGrid {
  width: number;
  height: number;
  /** Output pixel size in full-resolution pixels (the finer axis), at the window's centre. */
  scale: number;
  /** Fills `cols` and `rows` (length `width`) for output row `j`; NaN where the transform fails. */
  row(j: number, cols: Float64Array, rows: Float64Array): void;
}

const MAX_ERROR = 0.125;
const STEPS = [16, 4, 1];

/** Node positions 0, step, 2 step, ..., n - 1. */
function nodes(n: number, step: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n - 1; k += step) out.push(k);
  out.push(n - 1);
  return out;
}

/** Index of the segment [ks[s], ks[s + 1]] holding k, and k's fraction along it. */
function segment(ks: number[], k: number): [number, number] {
  if (ks.length === 1) return [0, 0];
  let s = 0;
  while (s < ks.length - 2 && ks[s + 1]! < k) s++;
  return [s, (k - ks[s]!) / (ks[s + 1]! - ks[s]!)];
}

/**
 * Builds the pixel grid of a `width` x `height` window over `bbox` (in the requested CRS),
 * given the transform from that CRS to the raster's and the raster's geotransform.
 */
export function warpGrid(
  bbox: [number, number, number, number],
  width: number,
  height: number,
  toRaster: PointTransform,
  gt: GeoTransform,
): PixelGrid {
  const [west, , east, north] = bbox;
  const resX = (east - west) / width;
  const resY = (north - bbox[1]) / height;
  const det = gt[1] * gt[5] - gt[2] * gt[4];
  const exact = (i: number, j: number): [number, number] => {
    let x: number, y: number;
    try {
      [x, y] = toRaster([west + (i + 0.5) * resX, north - (j + 0.5) * resY]);
    } catch {
      return [NaN, NaN];
    }
    const dx = x - gt[0], dy = y - gt[3];
    return [(gt[5] * dx - gt[2] * dy) / det, (-gt[4] * dx + gt[1] * dy) / det];
  };

  let xs: number[] = [], ys: number[] = [];
  let cols: Float64Array = new Float64Array(0), rows: Float64Array = new Float64Array(0);
  for (const step of STEPS) {
    xs = nodes(width, step);
    ys = nodes(height, step);
    cols = new Float64Array(xs.length * ys.length);
    rows = new Float64Array(xs.length * ys.length);
    ys.forEach((j, J) => xs.forEach((i, I) => ([cols[J * xs.length + I], rows[J * xs.length + I]] = exact(i, j))));
    if (step === 1 || maxCellError(xs, ys, cols, rows, exact) <= MAX_ERROR) break;
  }

  const nodeCols = new Float64Array(xs.length), nodeRows = new Float64Array(xs.length);
  const cx = Math.floor(width / 2), cy = Math.floor(height / 2);
  const [c0, r0] = exact(cx, cy);
  const [ci, ri] = exact(cx + 1, cy);
  const [cj, rj] = exact(cx, cy + 1);
  const scale = Math.min(Math.hypot(ci - c0, ri - r0), Math.hypot(cj - c0, rj - r0));

  return {
    width,
    height,
    scale: Number.isFinite(scale) && scale > 0 ? scale : 1,
    row(j, outCols, outRows) {
      const n = xs.length;
      const [J, t] = segment(ys, j);
      const J1 = Math.min(J + 1, ys.length - 1);
      for (let I = 0; I < n; I++) {
        nodeCols[I] = cols[J * n + I]! * (1 - t) + cols[J1 * n + I]! * t;
        nodeRows[I] = rows[J * n + I]! * (1 - t) + rows[J1 * n + I]! * t;
      }
      // Node I covers output columns [xs[I], xs[I + 1]); the last node only its own column.
      for (let I = 0; I < n; I++) {
        const i0 = xs[I]!, i1 = I + 1 < n ? xs[I + 1]! : width;
        const I1 = Math.min(I + 1, n - 1);
        const span = Math.max(1, i1 - i0);
        const c0 = nodeCols[I]!, dc = nodeCols[I1]! - c0, r0 = nodeRows[I]!, dr = nodeRows[I1]! - r0;
        for (let i = i0; i < i1; i++) {
          const u = (i - i0) / span;
          outCols[i] = c0 + dc * u;
          outRows[i] = r0 + dr * u;
        }
      }
    },
  };
}

/** Largest distance, in pixels, between the exact and the interpolated position at cell centres. */
function maxCellError(xs: number[], ys: number[], cols: Float64Array, rows: Float64Array, exact: (i: number, j: number) => [number, number]): number {
  const n = xs.length;
  let max = 0;
  for (let J = 0; J + 1 < ys.length; J++) {
    for (let I = 0; I + 1 < n; I++) {
      const k = J * n + I;
      const c = (cols[k]! + cols[k + 1]! + cols[k + n]! + cols[k + n + 1]!) / 4;
      const r = (rows[k]! + rows[k + 1]! + rows[k + n]! + rows[k + n + 1]!) / 4;
      const [ec, er] = exact((xs[I]! + xs[I + 1]!) / 2, (ys[J]! + ys[J + 1]!) / 2);
      const error = Math.hypot(ec - c, er - r);
      if (Number.isNaN(error)) return Infinity; // a failed transform: only exact positions will do
      if (error > max) max = error;
    }
  }
  return max;
}

/** Blocks of `level` (index by * blocksAcross + bx) that the grid's pixels fall in. */
export function gridNeededBlocks(grid: PixelGrid, level: ImageLevel, fx: number, fy: number): number[] {
  const { width: lw, height: lh, blockWidth: bw, blockHeight: bh, blocksAcross } = level;
  const needed = new Uint8Array(blocksAcross * level.blocksDown);
  const cols = new Float64Array(grid.width), rows = new Float64Array(grid.width);
  for (let j = 0; j < grid.height; j++) {
    grid.row(j, cols, rows);
    for (let i = 0; i < grid.width; i++) {
      const c = cols[i]! / fx, r = rows[i]! / fy;
      if (c >= 0 && r >= 0 && c < lw && r < lh) needed[(((r | 0) / bh) | 0) * blocksAcross + (((c | 0) / bw) | 0)] = 1;
    }
  }
  const list: number[] = [];
  needed.forEach((v, k) => v && list.push(k));
  return list;
}

/** Writes the loaded blocks' samples into `data` (nearest neighbour); other pixels are left as they are. */
export function gridFill(data: Float32Array, grid: PixelGrid, loaded: (DecodedBlock | undefined)[], level: ImageLevel, fx: number, fy: number, sample: number): void {
  const { width: lw, height: lh, blockWidth: bw, blockHeight: bh, blocksAcross } = level;
  const cols = new Float64Array(grid.width), rows = new Float64Array(grid.width);
  for (let j = 0, o = 0; j < grid.height; j++) {
    grid.row(j, cols, rows);
    for (let i = 0; i < grid.width; i++, o++) {
      const c = cols[i]! / fx, r = rows[i]! / fy;
      if (!(c >= 0 && r >= 0 && c < lw && r < lh)) continue;
      const col = c | 0, row = r | 0;
      const bx = (col / bw) | 0, by = (row / bh) | 0;
      const block = loaded[by * blocksAcross + bx];
      if (block) data[o] = block.data[((row - by * bh) * block.width + (col - bx * bw)) * block.samples + sample]!;
    }
  }
}
