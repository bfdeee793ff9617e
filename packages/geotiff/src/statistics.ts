/**
 * Exact band statistics (as `gdalinfo -stats`) computed block by block: at most `concurrency`
 * decoded blocks are held at once, whatever the raster size; never-written blocks are counted
 * without being materialized, and the loop yields to the event loop between slices of work.
 */
import { LevelReader, orderedPipeline } from "./blocks.js";
import { type RasterBudget, blockBytes, rasterBudget } from "./budget.js";
import type { DecodedBlock, SampleArray } from "./decode.js";
import { isFloatDtype, sparseFillValue } from "./format.js";
import { Pacer } from "./pacer.js";
import { openRaster } from "./raster.js";
import type { ByteRangeReader } from "./reader.js";

/** Statistics of one band; nodata and NaN pixels excluded, population standard deviation. */
export interface BandStatistics {
  /** 1-based band number. */
  band: number;
  /** `null` when the band has no valid pixel. */
  min: number | null;
  max: number | null;
  mean: number | null;
  stddev: number | null;
  /** Exact percentage of pixels that are not nodata (GDAL's metadata rounds it to 4 digits). */
  valid_percent: number;
  valid_count: number;
}

/** Options of {@link computeStatistics}. */
export interface StatisticsOptions {
  /** Called after each block with the number of blocks done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Blocks read and decoded ahead of the one being summed (default 4, fewer for big blocks). */
  concurrency?: number;
  /** What the file may declare (default: the default budget); more is a RasterBudgetError. */
  budget?: Partial<RasterBudget>;
  /** Stops the computation (its reason is thrown) at the next slice of work. */
  signal?: AbortSignal;
}

/** Decoded bytes in flight at most, whatever the block size (a single block may exceed it). */
const BYTES_IN_FLIGHT = 64 * 2 ** 20;
/** Values summed between two chances to yield. */
const SLICE_VALUES = 1 << 18;

/** Per-band running statistics, fed one block region at a time. */
interface Accumulator {
  add(data: SampleArray, first: number, stride: number, rowLength: number, cols: number, rows: number, nodata: number | null): void;
  /** Adds `count` valid pixels of value `v` (a never-written block). */
  addConstant(v: number, count: number): void;
  result(): { n: number; min: number; max: number; mean: number; stddev: number };
}

/**
 * Floats and wide integers. Per block: one pass over values shifted by the block's first valid
 * value (n, sum, sum of squares, min, max); when that sum of squares loses more than ~3 digits
 * to cancellation, the squared deviations are summed again exactly in a second pass. Blocks are
 * merged with Chan et al.'s formula.
 */
class MomentAccumulator implements Accumulator {
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;

  add(data: SampleArray, first: number, stride: number, rowLength: number, cols: number, rows: number, nodata: number | null): void {
    if (stride === 1 && cols === rowLength) [cols, rows, rowLength] = [cols * rows, 1, cols * rows]; // one flat loop
    const nd = nodata ?? NaN; // NaN never equals, and NaN samples are skipped anyway
    const shift = firstValid(data, first, stride, rowLength, cols, rows, nd);
    if (shift !== shift) return; // no valid value in this block
    let n = 0, s1 = 0, s2 = 0, min = Infinity, max = -Infinity;
    for (let r = 0; r < rows; r++) {
      const end = first + (r * rowLength + cols) * stride;
      for (let i = first + r * rowLength * stride; i < end; i += stride) {
        const v = data[i]!;
        if (v !== v || v === nd) continue;
        n++;
        const d = v - shift;
        s1 += d;
        s2 += d * d;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    if (n === 0) return;
    const mean = shift + s1 / n;
    let m2 = s2 - (s1 * s1) / n;
    if (!(m2 * 1000 >= s2)) m2 = squaredDeviations(data, first, stride, rowLength, cols, rows, nd, mean);
    this.merge(n, mean, m2, min, max);
  }

  addConstant(v: number, count: number): void {
    this.merge(count, v, 0, v, v);
  }

  private merge(n: number, mean: number, m2: number, min: number, max: number): void {
    const total = this.n + n;
    const delta = mean - this.mean;
    this.mean += (delta * n) / total;
    this.m2 += m2 + (delta * delta * this.n * n) / total;
    this.n = total;
    if (min < this.min) this.min = min;
    if (max > this.max) this.max = max;
  }

  result() {
    return { n: this.n, min: this.min, max: this.max, mean: this.mean, stddev: Math.sqrt(this.m2 / this.n) };
  }
}

function firstValid(data: SampleArray, first: number, stride: number, rowLength: number, cols: number, rows: number, nd: number): number {
  for (let r = 0; r < rows; r++) {
    const end = first + (r * rowLength + cols) * stride;
    for (let i = first + r * rowLength * stride; i < end; i += stride) {
      const v = data[i]!;
      if (v === v && v !== nd) return v;
    }
  }
  return NaN;
}

function squaredDeviations(data: SampleArray, first: number, stride: number, rowLength: number, cols: number, rows: number, nd: number, mean: number): number {
  let m2 = 0;
  for (let r = 0; r < rows; r++) {
    const end = first + (r * rowLength + cols) * stride;
    for (let i = first + r * rowLength * stride; i < end; i += stride) {
      const v = data[i]!;
      if (v !== v || v === nd) continue;
      const d = v - mean;
      m2 += d * d;
    }
  }
  return m2;
}

/**
 * Integers of at most 16 bits: exact sums (row sums are exact in doubles, totals in BigInt),
 * so mean and variance are rounded only once, like GDAL's integer path.
 */
class ExactIntAccumulator implements Accumulator {
  private n = 0;
  private sum = 0n;
  private sumSq = 0n;
  private min = Infinity;
  private max = -Infinity;

  add(data: SampleArray, first: number, stride: number, rowLength: number, cols: number, rows: number, nodata: number | null): void {
    const nd = nodata ?? NaN;
    let min = this.min, max = this.max;
    for (let r = 0; r < rows; r++) {
      let n = 0, sum = 0, sumSq = 0;
      const end = first + (r * rowLength + cols) * stride;
      for (let i = first + r * rowLength * stride; i < end; i += stride) {
        const v = data[i]!;
        if (v === nd) continue;
        n++;
        sum += v;
        sumSq += v * v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (n === 0) continue;
      this.n += n;
      this.sum += BigInt(sum);
      this.sumSq += BigInt(sumSq);
    }
    this.min = min;
    this.max = max;
  }

  addConstant(v: number, count: number): void {
    this.n += count;
    this.sum += BigInt(v) * BigInt(count);
    this.sumSq += BigInt(v * v) * BigInt(count);
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  result() {
    const n = BigInt(this.n);
    const variance = Number(n * this.sumSq - this.sum * this.sum) / (this.n * this.n);
    return { n: this.n, min: this.min, max: this.max, mean: Number(this.sum) / this.n, stddev: Math.sqrt(variance) };
  }
}

/** The nodata value pixels are compared with; integer bands ignore a value they cannot hold. */
function effectiveNodata(nodata: number | null, dtype: string): number | null {
  if (nodata === null || isFloatDtype(dtype)) return nodata;
  return Number.isInteger(nodata) ? nodata : null;
}

/**
 * Computes min, max, mean, population stddev and valid percentage of every band of the
 * full-resolution image, reading one strip or tile at a time. Needs no georeferencing.
 */
export async function computeStatistics(reader: ByteRangeReader, options: StatisticsOptions = {}): Promise<BandStatistics[]> {
  const r = await openRaster(reader, rasterBudget(options.budget));
  const { main } = r.tiff;
  const nodata = effectiveNodata(r.nodata, r.dtype);
  const blocks = new LevelReader(reader, r.tiff, main, sparseFillValue(r.nodata, r.dtype));
  const exact = ["u1", "i1", "u2", "i2"].includes(r.dtype);
  const acc = Array.from({ length: r.bandCount }, (): Accumulator => (exact ? new ExactIntAccumulator() : new MomentAccumulator()));
  const planes = main.planar === 2 ? main.samplesPerPixel : 1;
  const perPlane = main.blocksAcross * main.blocksDown;
  const total = perPlane * planes;
  const fill = blocks.sparseValue;
  // A never-written block adds nothing when its value is nodata (or NaN), else `pixels` of it.
  const sparseCounts = fill === fill && fill !== nodata;
  const pacer = new Pacer(options.signal);
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, Math.floor(BYTES_IN_FLIGHT / blockBytes(main))));
  const at = (i: number) => ({ bx: i % main.blocksAcross, by: Math.floor((i % perPlane) / main.blocksAcross), plane: Math.floor(i / perPlane) });

  await orderedPipeline(
    total,
    concurrency,
    async (i): Promise<DecodedBlock | null> => {
      const { bx, by, plane } = at(i);
      return blocks.isSparse(bx, by, plane) ? null : blocks.read(bx, by, plane);
    },
    async (block, i) => {
      const { bx, by, plane } = at(i);
      const cols = Math.min(main.blockWidth, main.width - bx * main.blockWidth);
      const rows = Math.min(main.blockHeight, main.height - by * main.blockHeight);
      const bands = planes > 1 ? [acc[plane]!] : acc;
      if (!block) {
        if (sparseCounts) for (const a of bands) a.addConstant(fill, cols * rows);
      } else {
        // Large blocks are summed in slices of rows, with a chance to yield between them.
        const step = Math.max(1, Math.floor(SLICE_VALUES / (cols * block.samples)));
        for (let r0 = 0; r0 < rows; r0 += step) {
          const n = Math.min(step, rows - r0);
          const first = r0 * block.width * block.samples;
          if (planes > 1) bands[0]!.add(block.data, first, 1, block.width, cols, n, nodata);
          else for (let b = 0; b < block.samples; b++) bands[b]!.add(block.data, first + b, block.samples, block.width, cols, n, nodata);
          if (r0 + n < rows) await pacer.pace();
        }
      }
      options.onProgress?.(i + 1, total);
      await pacer.pace();
    },
  );

  const pixels = main.width * main.height;
  return acc.map((a, i) => {
    const { n, min, max, mean, stddev } = a.result();
    const some = n > 0;
    return {
      band: i + 1,
      min: some ? min : null,
      max: some ? max : null,
      mean: some ? mean : null,
      stddev: some ? stddev : null,
      valid_percent: (100 * n) / pixels,
      valid_count: n,
    };
  });
}
