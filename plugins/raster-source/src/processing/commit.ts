/**
 * The commit of a processed raster upload: one transaction writes the RasterStep, the source's
 * metadata and statistics, and its size / time extent, together with the upload's state change.
 */
import { type CommitHook, Prisma, type Upload, UnrecoverableError } from "@assets/core";
import type { RasterMetadata } from "@assets/geotiff";
import { NO_TIMESTAMP } from "../model/date-time.js";
import { RASTER_SOURCE_TYPE } from "../model/raster-source-type.js";
import { stepProblem } from "./grid-check.js";
import { type RasterStatisticsResult, METADATA_STEP, metadataResult, statisticsResult, stepTimestamp } from "./results.js";
import { summarizeSteps } from "./step-summary.js";

type Tx = Prisma.TransactionClient;


function organisationIdOf(metadata: unknown): number | null {
  const raw = (metadata as { organisation_id?: unknown } | null)?.organisation_id;
  if (raw === undefined || raw === null || raw === "") return null;
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new UnrecoverableError(`Invalid organisation_id "${String(raw)}"`);
  return id;
}

/** The upload's filename without directories and without its last extension. */
function nameFromFilename(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? filename;
  const dot = base.lastIndexOf(".");
  return (dot > 0 ? base.slice(0, dot) : base) || "raster";
}

/** A raster source as the commit writes to it. */
interface SourceRow {
  id: number;
  resource_id: number;
  temporal: boolean;
}

const SOURCE_ROW = { id: true, resource_id: true, temporal: true } as const;

/**
 * The RasterSource an upload goes to: the one of its resource, or a new resource + source
 * (temporal when the upload names a time step).
 */
async function sourceFor(tx: Tx, upload: Upload, temporal: boolean): Promise<SourceRow> {
  if (upload.resource_id !== null) {
    const resource = await tx.resource.findUnique({ where: { id: upload.resource_id }, select: { type: true, raster_source: { select: SOURCE_ROW } } });
    if (!resource) throw new UnrecoverableError(`Resource ${upload.resource_id} no longer exists`);
    if (resource.type !== RASTER_SOURCE_TYPE) throw new UnrecoverableError(`Resource ${upload.resource_id} is a ${resource.type}, not a raster source`);
    if (resource.raster_source) return resource.raster_source;
    return tx.rasterSource.create({ data: { resource_id: upload.resource_id, temporal }, select: SOURCE_ROW });
  }
  const organisation_id = organisationIdOf(upload.metadata);
  if (organisation_id !== null && !(await tx.organisation.findUnique({ where: { id: organisation_id }, select: { id: true } }))) {
    throw new UnrecoverableError(`Organisation ${organisation_id} does not exist`);
  }
  const resource = await tx.resource.create({
    data: {
      type: RASTER_SOURCE_TYPE,
      name: nameFromFilename(upload.filename),
      owner_id: upload.uploader_id,
      organisation_id,
      raster_source: { create: { temporal } },
    },
    select: { raster_source: { select: SOURCE_ROW } },
  });
  return resource.raster_source!;
}

/**
 * Stores the upload's file as the source's step, replacing the step it supersedes. The replaced
 * step's upload leaves the resource: it stays in the uploader's list as history, and deleting it
 * (which a committed upload of a resource refuses) then frees its bytes.
 */
async function replaceStep(tx: Tx, source: SourceRow, upload: Upload, timestamp: Date | null, size: number): Promise<void> {
  // A non-temporal source has exactly one file (with or without a timestamp); a temporal one one per timestamp.
  const where = source.temporal ? { source_id: source.id, timestamp } : { source_id: source.id };
  const replaced = await tx.rasterStep.findMany({ where, select: { upload_id: true } });
  await tx.rasterStep.deleteMany({ where });
  await tx.rasterStep.create({
    data: { source_id: source.id, timestamp, upload_id: upload.id, storage_key: upload.storage_key!, size: upload.size ?? BigInt(size) },
  });
  const superseded = replaced.flatMap((step) => (step.upload_id !== null && step.upload_id !== upload.id ? [step.upload_id] : []));
  if (superseded.length > 0) {
    await tx.upload.updateMany({ where: { id: { in: superseded }, resource_id: source.resource_id }, data: { resource_id: null } });
  }
}

function metadataFields(m: RasterMetadata) {
  return {
    projection: m.projection,
    origin_x: m.origin_x, origin_y: m.origin_y,
    upper_bound_x: m.upper_bound_x, upper_bound_y: m.upper_bound_y,
    pixelsize_x: m.pixelsize_x, pixelsize_y: m.pixelsize_y,
    west: m.spatial_bounds.west, east: m.spatial_bounds.east, north: m.spatial_bounds.north, south: m.spatial_bounds.south,
    dtype: m.dtype,
    fill_value: m.fill_value,
    width: m.width, height: m.height, band_count: m.band_count,
    cloud_optimized: m.cloud_optimized,
    overviews: m.overview_levels.map((o) => ({ width: o.width, height: o.height })),
  };
}

function statisticsJson(stats: RasterStatisticsResult | undefined): Prisma.InputJsonValue | typeof Prisma.DbNull {
  if (!stats) return Prisma.DbNull;
  return stats.bands.map(({ band, min, max, mean, stddev, valid_percent }) => ({ band, min, max, mean, stddev, valid_percent }));
}

/**
 * Commit hook of the `raster_source` type. Writes the step and, when it is the source's latest
 * (always for a non-temporal source; the newest timestamp for a temporal one), the metadata and
 * statistics of the file to the RasterSource; keeps size (all steps), first/last timestamp and
 * interval up to date (a non-temporal file may carry a timestamp: the time its data is for). Creates a Resource + RasterSource named after the file when the upload
 * has no resource (owner: the uploader; organisation: `metadata.organisation_id`).
 */
export const commitRasterUpload: CommitHook = async (tx, { upload, results, log }) => {
  const metadata = metadataResult(results);
  if (!metadata) throw new UnrecoverableError(`The ${METADATA_STEP} step has no result for this upload`);
  if (!upload.storage_key) throw new UnrecoverableError("The upload has no stored file");
  let timestamp: Date | null;
  try {
    timestamp = stepTimestamp(upload.metadata);
  } catch (error) {
    throw new UnrecoverableError(`Invalid time step: ${(error as Error).message}`, { cause: error });
  }

  const source = await sourceFor(tx, upload, timestamp !== null);
  // Checked again here: another step may have committed since this upload's metadata step ran.
  const problem = await stepProblem(tx, source.resource_id, timestamp, metadata);
  if (problem) throw new UnrecoverableError(problem);

  await replaceStep(tx, source, upload, timestamp, metadata.size);
  const summary = await summarizeSteps(tx, source.id);
  const latest = !source.temporal || timestamp === null || summary.last === null || timestamp.getTime() >= summary.last.getTime();
  await tx.rasterSource.update({
    where: { id: source.id },
    data: {
      size: summary.size,
      // Lizard's epoch where the data has no timestamp (a non-temporal file uploaded without one).
      first_value_timestamp: summary.first ?? NO_TIMESTAMP,
      last_value_timestamp: summary.last ?? NO_TIMESTAMP,
      ...(summary.intervalSeconds !== null && { interval_seconds: summary.intervalSeconds }),
      ...(latest && { ...metadataFields(metadata), statistics: statisticsJson(statisticsResult(results)) }),
    },
  });
  await tx.resource.update({ where: { id: source.resource_id }, data: { updated_at: new Date() } });
  log.info({ resourceId: source.resource_id, uploadId: upload.id, timestamp, latest }, "raster step committed");
  return { resourceId: source.resource_id };
};
