/** Aggregates over the steps of one raster source, computed in the database. */
import type { Prisma } from "@assets/core";

/** Size and time extent of a source's steps. */
export interface StepSummary {
  /** Bytes of all steps. */
  size: bigint;
  /** Earliest and latest timestamp; null for a non-temporal source. */
  first: Date | null;
  last: Date | null;
  /**
   * The most common gap between consecutive timestamps (the smallest of equally common gaps),
   * in seconds; null with fewer than two time steps.
   */
  intervalSeconds: number | null;
}

/** Summarizes the steps of source `sourceId` (one aggregate and one window-function query). */
export async function summarizeSteps(tx: Prisma.TransactionClient, sourceId: number): Promise<StepSummary> {
  const totals = await tx.rasterStep.aggregate({
    where: { source_id: sourceId },
    _sum: { size: true },
    _min: { timestamp: true },
    _max: { timestamp: true },
  });
  // Irregular series (a missing hour) still report their regular interval: the mode, not the minimum.
  const gaps = await tx.$queryRaw<{ seconds: bigint }[]>`
    SELECT EXTRACT(EPOCH FROM gap)::bigint AS seconds
    FROM (
      SELECT "timestamp" - lag("timestamp") OVER (ORDER BY "timestamp") AS gap
      FROM "RasterStep" WHERE "source_id" = ${sourceId} AND "timestamp" IS NOT NULL
    ) AS steps
    WHERE gap IS NOT NULL
    GROUP BY seconds
    ORDER BY count(*) DESC, seconds ASC
    LIMIT 1`;
  return {
    size: totals._sum.size ?? 0n,
    first: totals._min.timestamp,
    last: totals._max.timestamp,
    intervalSeconds: gaps[0] ? Number(gaps[0].seconds) : null,
  };
}
