/**
 * Work and memory limits a file's directory is held against before any pixel is read: a few
 * hostile bytes can declare a 65536 x 65536 image or a 2 GiB strip (issue 17).
 */
import { InvalidRasterError } from "./errors.js";

/** Limits on what one GeoTIFF may declare. */
export interface RasterBudget {
  /**
   * Largest width x height x bands of the full-resolution image (and of every overview and
   * mask). Statistics visit every one of them, so this bounds their work. Default 2^30.
   */
  maxPixels: number;
  /**
   * Largest decoded strip or tile in bytes (rows x width x samples x bytes per sample). A block
   * is decoded whole, so this bounds the memory of one block in flight. Default 64 MiB.
   */
  maxBlockBytes: number;
}

/** The default {@link RasterBudget}: 1 Gi samples (e.g. 32768 x 32768 x 1), blocks up to 64 MiB. */
export const DEFAULT_RASTER_BUDGET: Readonly<RasterBudget> = Object.freeze({ maxPixels: 2 ** 30, maxBlockBytes: 64 * 2 ** 20 });

/** The budget with defaults for what `partial` leaves out. */
export function rasterBudget(partial: Partial<RasterBudget> = {}): RasterBudget {
  return { ...DEFAULT_RASTER_BUDGET, ...partial };
}

/** Thrown when a file declares more than its {@link RasterBudget} allows; the file is refused, not retried. */
export class RasterBudgetError extends InvalidRasterError {
  constructor(reason: string) {
    super(reason);
    this.name = "RasterBudgetError";
  }
}

/** What a level declares, as far as the budget is concerned. */
export interface DeclaredLevel {
  label: string;
  width: number;
  height: number;
  samplesPerPixel: number;
  bitsPerSample: number;
  planar: 1 | 2;
  tiled: boolean;
  blockWidth: number;
  blockHeight: number;
}

const count = (n: number) => n.toLocaleString("en-US");

/** Decoded bytes of one full strip or tile of `level`. */
export function blockBytes(level: DeclaredLevel): number {
  const samples = level.planar === 2 ? 1 : level.samplesPerPixel;
  return level.blockHeight * Math.ceil((level.blockWidth * samples * level.bitsPerSample) / 8);
}

/** Throws {@link RasterBudgetError} when `level` declares more pixels or a larger block than `budget` allows. */
export function assertWithinBudget(level: DeclaredLevel, budget: RasterBudget): void {
  const { label, width, height, samplesPerPixel: bands } = level;
  const pixels = width * height * bands;
  if (pixels > budget.maxPixels) {
    throw new RasterBudgetError(
      `${label} declares ${width} x ${height} pixels x ${bands} band${bands === 1 ? "" : "s"} (${count(pixels)} values), ` +
        `more than the ${count(budget.maxPixels)} this server processes per raster`,
    );
  }
  const bytes = blockBytes(level);
  if (bytes > budget.maxBlockBytes) {
    throw new RasterBudgetError(
      `${label} is stored in ${level.blockWidth} x ${level.blockHeight} ${level.tiled ? "tile" : "strip"}s of ${count(bytes)} bytes each, ` +
        `more than the ${count(budget.maxBlockBytes)} bytes this server decodes at once`,
    );
  }
}
