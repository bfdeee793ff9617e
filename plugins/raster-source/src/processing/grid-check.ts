/** The rule that all time steps of a source share projection, grid and data type. */
import type { Prisma } from "@assets/core";

/** The fields of a source (or of a new step's metadata) that steps must agree on. */
export interface GridSpec {
  projection: string | null;
  dtype: string | null;
  width: number | null;
  height: number | null;
  band_count: number | null;
  origin_x: number | null;
  origin_y: number | null;
  pixelsize_x: number | null;
  pixelsize_y: number | null;
}

// Files written by different tools for the same grid can differ in the last bits of a double.
const RELATIVE = 1e-9;

function close(a: number | null, b: number | null, scale: number): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= RELATIVE * Math.max(Math.abs(a), Math.abs(b), scale);
}

/**
 * Why `step` cannot join a source whose existing steps have `source`, or null when it can.
 * Origins are compared to a billionth of their magnitude or of the pixel size.
 */
export function gridMismatch(source: GridSpec, step: GridSpec): string | null {
  const differences: string[] = [];
  for (const key of ["projection", "dtype", "band_count"] as const) {
    if (source[key] !== step[key]) differences.push(`${key} ${step[key]} instead of ${source[key]}`);
  }
  if (source.width !== step.width || source.height !== step.height) {
    differences.push(`size ${step.width}x${step.height} instead of ${source.width}x${source.height}`);
  }
  const px = Math.abs(source.pixelsize_x ?? 0);
  const py = Math.abs(source.pixelsize_y ?? 0);
  if (!close(source.pixelsize_x, step.pixelsize_x, 0) || !close(source.pixelsize_y, step.pixelsize_y, 0)) {
    differences.push(`pixel size (${step.pixelsize_x}, ${step.pixelsize_y}) instead of (${source.pixelsize_x}, ${source.pixelsize_y})`);
  }
  if (!close(source.origin_x, step.origin_x, px) || !close(source.origin_y, step.origin_y, py)) {
    differences.push(`origin (${step.origin_x}, ${step.origin_y}) instead of (${source.origin_x}, ${source.origin_y})`);
  }
  if (differences.length === 0) return null;
  return `This time step does not match the raster source's other steps (same projection, grid and data type required): ${differences.join("; ")}`;
}

/** The Prisma delegates {@link stepProblem} reads (a client or a transaction). */
export type GridReader = Pick<Prisma.TransactionClient, "rasterSource" | "rasterStep">;

const GRID_FIELDS = {
  id: true, temporal: true, projection: true, dtype: true, width: true, height: true, band_count: true,
  origin_x: true, origin_y: true, pixelsize_x: true, pixelsize_y: true,
} as const;

/**
 * Why a file cannot become a step of the raster source of `resourceId`, or null when it can:
 * a temporal source needs a timestamp, and a time step must share the grid of the source's
 * other steps (a step at the same timestamp is replaced, so it does not count). A source without
 * steps accepts any grid; a non-temporal source's one file (with or without the timestamp its data
 * is for, as Lizard takes it) replaces the one before, so it accepts any grid too.
 */
export async function stepProblem(db: GridReader, resourceId: number, timestamp: Date | null, step: GridSpec): Promise<string | null> {
  const source = await db.rasterSource.findUnique({ where: { resource_id: resourceId }, select: GRID_FIELDS });
  if (!source) return null;
  if (timestamp === null) {
    return source.temporal ? "The raster source is temporal: each file needs a timestamp" : null;
  }
  if (!source.temporal) return null;
  const others = await db.rasterStep.count({ where: { source_id: source.id, NOT: { timestamp } } });
  return others === 0 ? null : gridMismatch(source, step);
}
