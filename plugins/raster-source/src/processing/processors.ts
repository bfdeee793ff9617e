/**
 * The raster-source pipeline steps. Both read the stored file only through ranged reads of
 * `ctx.file`: metadata touches the header and directories, statistics one block at a time.
 */
import { type Processor, type ProcessorContext, UnrecoverableError } from "@assets/core";
import { InvalidRasterError, type RasterBudget, computeStatistics, prefetchingReader, readRasterMetadata } from "@assets/geotiff";
import { stepProblem } from "./grid-check.js";
import { METADATA_STEP, type RasterStatisticsResult, STATISTICS_STEP, stepTimestamp } from "./results.js";
import { abortableReader, storedFileReader } from "./stored-reader.js";

/** Options of {@link rasterProcessors}. */
export interface RasterProcessorOptions {
  /** Compute band statistics as a second step (default true). */
  statistics?: boolean;
  /**
   * What an uploaded GeoTIFF may declare, checked from its header before any pixel is read
   * (default: 2^30 values, blocks of 64 MiB). A file beyond it is rejected with the reason.
   */
  budget?: Partial<RasterBudget>;
}

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * A bad file is not retried: the upload is rejected with the engine's reason as a sentence.
 * A RangeError is an allocation the file's declared sizes made impossible (a budget raised
 * beyond what the process can hold): retrying cannot help either.
 */
function rejectInvalid(error: unknown): never {
  if (error instanceof InvalidRasterError) throw new UnrecoverableError(sentence(error.reason), { cause: error });
  if (error instanceof RangeError) throw new UnrecoverableError(`The file declares sizes that cannot be processed: ${error.message}`, { cause: error });
  throw error;
}

function timestampOf(ctx: ProcessorContext): Date | null {
  try {
    return stepTimestamp(ctx.upload.metadata);
  } catch (error) {
    throw new UnrecoverableError(`Invalid time step: ${(error as Error).message}`, { cause: error });
  }
}

/** Reads the GeoTIFF metadata; rejects bad files, files beyond the budget and time steps that do not fit their source. */
export function metadataProcessor(budget?: Partial<RasterBudget>): Processor {
  return {
    name: METADATA_STEP,
    async run(ctx, signal) {
      const timestamp = timestampOf(ctx);
      // The directory of a typical GeoTIFF lies in its first KiBs: one request instead of many on S3.
      const reader = abortableReader(prefetchingReader(storedFileReader(ctx.file)), signal);
      const metadata = await readRasterMetadata(reader, { budget }).catch(rejectInvalid);
      if (ctx.upload.resource_id !== null) {
        const problem = await stepProblem(ctx.db, ctx.upload.resource_id, timestamp, metadata);
        if (problem) throw new UnrecoverableError(problem);
      }
      await ctx.progress(100);
      return metadata;
    },
  };
}

const PROGRESS_STEP = 5;

/** Per-block progress, written at most every {@link PROGRESS_STEP} percent and one write at a time. */
function throttledProgress(ctx: ProcessorContext) {
  let reported = 0;
  let pending = Promise.resolve();
  return {
    report(done: number, total: number) {
      const percent = Math.floor((100 * done) / total);
      if (percent < reported + PROGRESS_STEP && done < total) return;
      reported = percent;
      pending = pending.then(() => ctx.progress(percent)).catch((error: unknown) => ctx.log.warn({ err: error }, "progress update failed"));
    },
    flush: () => pending,
  };
}

/**
 * Exact band statistics (min, max, mean, stddev, valid percentage; nodata excluded). The loop
 * yields to the event loop between slices of work and stops when `signal` aborts (time limit).
 */
export function statisticsProcessor(budget?: Partial<RasterBudget>): Processor {
  return {
    name: STATISTICS_STEP,
    async run(ctx, signal): Promise<RasterStatisticsResult> {
      const reader = abortableReader(storedFileReader(ctx.file), signal);
      const progress = throttledProgress(ctx);
      const bands = await computeStatistics(reader, { onProgress: progress.report, budget, signal }).catch(rejectInvalid);
      await progress.flush();
      return { bands };
    },
  };
}

/** The raster-source pipeline: metadata, then (unless turned off) statistics. */
export function rasterProcessors(options: RasterProcessorOptions = {}): Processor[] {
  const metadata = metadataProcessor(options.budget);
  return options.statistics === false ? [metadata] : [metadata, statisticsProcessor(options.budget)];
}
