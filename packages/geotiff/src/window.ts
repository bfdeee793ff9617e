/**
 * Window reads: nearest-neighbour resampling of a bbox onto a width x height grid, from the
 * coarsest level (full resolution or overview) that is at least as fine as the request,
 * reading only the blocks that output pixels fall in.
 */
import { LevelReader, orderedPipeline } from "./blocks.js";
import { type RasterBudget, rasterBudget } from "./budget.js";
import { epsgTransform, parseEpsg } from "./crs.js";
import type { DecodedBlock } from "./decode.js";
import { InvalidRasterError } from "./errors.js";
import { sparseFillValue } from "./format.js";
import type { GeoTransform } from "./georef.js";
import type { ImageLevel } from "./image.js";
import { type OpenedRaster, openRaster } from "./raster.js";
import type { ByteRangeReader } from "./reader.js";
import { gridFill, gridNeededBlocks, warpGrid } from "./warp.js";

/** What to read: a bbox sampled on a width x height grid. */
export interface WindowRequest {
  /** [west, south, east, north] in `projection` (default: the raster's own CRS). */
  bbox: [number, number, number, number];
  width: number;
  height: number;
  /** 1-based band number (default 1). */
  band?: number;
  /**
   * CRS of `bbox` and of the output grid, as "EPSG:<code>". When it differs from the raster's,
   * output pixel centres are transformed into the raster (to within 1/8 pixel).
   */
  projection?: string;
}

/** Pixels of a window, row-major from the north-west corner. */
export interface RasterWindow {
  data: Float32Array;
  width: number;
  height: number;
  /**
   * The nodata value as stored in `data` (rounded to float32), or null. Pixels outside the
   * raster hold this value, or NaN when the raster has no nodata.
   */
  nodata: number | null;
  /** Level read: 0 = full resolution, k = k-th overview (largest first). */
  overview: number;
}

const MAX_PIXELS = 8192 * 8192;
const CHUNK_BYTES = 128 * 1024 * 1024;
const CONCURRENCY = 8;

function validate(req: WindowRequest, bandCount: number): number {
  const { bbox, width, height } = req;
  const band = req.band ?? 1;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width * height > MAX_PIXELS) {
    throw new RangeError(`window size must be positive integers of at most ${MAX_PIXELS} pixels, got ${width}x${height}`);
  }
  if (bbox.length !== 4 || !bbox.every(Number.isFinite) || bbox[0] >= bbox[2] || bbox[1] >= bbox[3]) {
    throw new RangeError(`bbox must be finite [west, south, east, north] with west < east and south < north`);
  }
  if (!Number.isInteger(band) || band < 1 || band > bandCount) throw new RangeError(`band ${band} does not exist (1-${bandCount})`);
  return band;
}

/** The coarsest level whose pixels are no larger than the requested ones. */
function pickLevel(levels: ImageLevel[], factor: number): number {
  let best = 0;
  levels.forEach((l, i) => {
    if (levels[0]!.width / l.width <= factor * (1 + 1e-9) && l.width < levels[best]!.width) best = i;
  });
  return best;
}

/**
 * Reads one band of a bbox, resampled (nearest neighbour, pixel centres) to `width` x `height`.
 * @throws RangeError for an invalid request; InvalidRasterError for an unusable raster.
 */
export async function readWindow(reader: ByteRangeReader, req: WindowRequest, options: { budget?: Partial<RasterBudget> } = {}): Promise<RasterWindow> {
  const r = await openRaster(reader, rasterBudget(options.budget));
  const gt = r.georef.geoTransform;
  if (!gt) throw new InvalidRasterError("the TIFF is not georeferenced, so a bbox cannot be located in it");
  const band = validate(req, r.bandCount);
  const [west, south, east, north] = req.bbox;
  const { width, height } = req;
  const resX = (east - west) / width;
  const resY = (north - south) / height;

  const levels = [r.tiff.main, ...r.tiff.overviews];
  const sampler = samplerFor(r, gt, req, resX, resY);
  const index = pickLevel(levels, sampler.scale);
  const level = levels[index]!;
  const fx = r.tiff.main.width / level.width;
  const fy = r.tiff.main.height / level.height;
  const blockList = sampler.needed(level, fx, fy);

  const nodata = r.nodata === null ? null : Math.fround(r.nodata);
  const data = new Float32Array(width * height).fill(nodata ?? NaN);
  const { blockWidth: bw, blockHeight: bh, blocksAcross } = level;
  const planar = level.planar === 2;
  const plane = planar ? band - 1 : 0;
  const sample = planar ? 0 : band - 1;
  const blocks = new LevelReader(reader, r.tiff, level, sparseFillValue(r.nodata, r.dtype));
  const perChunk = Math.max(1, Math.floor(CHUNK_BYTES / (bw * bh * (planar ? 1 : level.samplesPerPixel) * 8)));

  for (let start = 0; start < blockList.length; start += perChunk) {
    const chunk = blockList.slice(start, start + perChunk);
    const loaded: (DecodedBlock | undefined)[] = [];
    await orderedPipeline(
      chunk.length,
      CONCURRENCY,
      (k) => blocks.read(chunk[k]! % blocksAcross, Math.floor(chunk[k]! / blocksAcross), plane),
      (block, k) => void (loaded[chunk[k]!] = block),
    );
    sampler.fill(data, loaded, level, fx, fy, sample);
  }
  return { data, width, height, nodata, overview: index };
}

/** How output pixels find their raster pixels: an affine map, or a reprojection grid. */
interface Sampler {
  /** Output pixel size in full-resolution pixels (the finer axis). */
  scale: number;
  needed(level: ImageLevel, fx: number, fy: number): number[];
  fill(data: Float32Array, loaded: (DecodedBlock | undefined)[], level: ImageLevel, fx: number, fy: number, sample: number): void;
}

function samplerFor(r: OpenedRaster, gt: GeoTransform, req: WindowRequest, resX: number, resY: number): Sampler {
  const { bbox, width, height } = req;
  const requested = req.projection === undefined ? r.georef.epsg : parseEpsg(req.projection);
  if (requested === null) throw new RangeError(`projection must be "EPSG:<code>", got "${req.projection}"`);
  if (requested !== r.georef.epsg) {
    const toRaster = r.georef.epsg === null ? null : epsgTransform(requested, r.georef.epsg);
    if (!toRaster) throw new RangeError(`cannot transform from EPSG:${requested} to the raster's coordinate system`);
    const grid = warpGrid(bbox, width, height, toRaster, gt);
    return {
      scale: grid.scale,
      needed: (level, fx, fy) => gridNeededBlocks(grid, level, fx, fy),
      fill: (data, loaded, level, fx, fy, sample) => gridFill(data, grid, loaded, level, fx, fy, sample),
    };
  }
  const scale = Math.min(resX / Math.hypot(gt[1], gt[4]), resY / Math.hypot(gt[2], gt[5]));
  const mapFor = (fx: number, fy: number) => affineMap(gt, fx, fy, bbox, width, height, resX, resY);
  return {
    scale,
    needed: (level, fx, fy) => neededBlocks(mapFor(fx, fy), level),
    fill: (data, loaded, level, fx, fy, sample) => fill(data, mapFor(fx, fy), loaded, level, sample),
  };
}

/** Output pixel (i, j) -> pixel of a level `fx` x `fy` times coarser than full resolution. */
function affineMap(gt: GeoTransform, fx: number, fy: number, bbox: WindowRequest["bbox"], width: number, height: number, resX: number, resY: number): PixelMap {
  // Inverse of the level's affine transform: pixel (col, row) of a world (x, y).
  const [a, b, d, e] = [gt[1] * fx, gt[2] * fy, gt[4] * fx, gt[5] * fy];
  const det = a * e - b * d;
  const toCol = (x: number, y: number) => (e * (x - gt[0]) - b * (y - gt[3])) / det;
  const toRow = (x: number, y: number) => (-d * (x - gt[0]) + a * (y - gt[3])) / det;
  // Pixel centre of output (i, j) is west + (i + .5) resX, north - (j + .5) resY: linear in i, j.
  const x0 = bbox[0] + 0.5 * resX;
  const y0 = bbox[3] - 0.5 * resY;
  const c0 = toCol(x0, y0), ci = toCol(x0 + resX, y0) - c0, cj = toCol(x0, y0 - resY) - c0;
  const r0 = toRow(x0, y0), ri = toRow(x0 + resX, y0) - r0, rj = toRow(x0, y0 - resY) - r0;
  return { width, height, c: [c0, ci, cj], r: [r0, ri, rj] };
}

/**
 * Affine map from output pixel (i, j) to level pixel (col, row): col = floor(c0 + i ci + j cj),
 * row = floor(r0 + i ri + j rj). Recomputed per pass instead of stored: writing two full-size
 * index arrays costs more than the arithmetic.
 */
interface PixelMap {
  width: number;
  height: number;
  c: [number, number, number];
  r: [number, number, number];
}

// The per-pixel loops live in plain functions (V8 optimizes them far better than loops inside
// the async function) and avoid globals such as Math.floor, which are slow to look up inside
// vm contexts (Jest).
function neededBlocks(map: PixelMap, level: ImageLevel): number[] {
  const { width, height, c: [c0, ci, cj], r: [r0, ri, rj] } = map;
  const { width: lw, height: lh, blockWidth: bw, blockHeight: bh, blocksAcross } = level;
  const needed = new Uint8Array(blocksAcross * level.blocksDown);
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const c = c0 + i * ci + j * cj;
      const r = r0 + i * ri + j * rj;
      if (c >= 0 && r >= 0 && c < lw && r < lh) needed[(((r | 0) / bh) | 0) * blocksAcross + (((c | 0) / bw) | 0)] = 1;
    }
  }
  const list: number[] = [];
  needed.forEach((v, k) => v && list.push(k));
  return list;
}

function fill(data: Float32Array, map: PixelMap, loaded: (DecodedBlock | undefined)[], level: ImageLevel, sample: number): void {
  const { width, height, c: [c0, ci, cj], r: [r0, ri, rj] } = map;
  const { width: lw, height: lh, blockWidth: bw, blockHeight: bh, blocksAcross } = level;
  for (let j = 0, o = 0; j < height; j++) {
    for (let i = 0; i < width; i++, o++) {
      const c = c0 + i * ci + j * cj;
      const r = r0 + i * ri + j * rj;
      if (c < 0 || r < 0 || c >= lw || r >= lh) continue;
      const col = c | 0, row = r | 0; // floor, as c, r >= 0
      const bx = (col / bw) | 0, by = (row / bh) | 0;
      const block = loaded[by * blocksAcross + bx];
      if (block) data[o] = block.data[((row - by * bh) * block.width + (col - bx * bw)) * block.samples + sample]!;
    }
  }
}
