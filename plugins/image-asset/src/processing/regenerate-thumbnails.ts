/**
 * The regeneration job: after the configured thumbnail changes (its side), every existing image
 * whose stored thumbnail is not the configured one gets a new one, made from its original. The
 * original is only read. The job is resumable and safe to run in several processes at once: it
 * picks only assets still out of date, and moves each row from its old key to the new one with
 * a guarded update, so a second run over the same asset changes nothing.
 */
import { Readable } from "node:stream";
import type { Logger } from "pino";
import type { Db, StorageDriver } from "@assets/core";
import { DEFAULT_ANALYSIS_OPTIONS } from "./analyse-image.js";
import type { ImageProcessorOptions } from "./image-processor.js";
import { decodeForAnalysis } from "./decode-image.js";
import { probeImage } from "./probe-image.js";
import { withSpooledFile } from "./spool-file.js";
import { encodeThumbnail, thumbnailKey, thumbnailName } from "./thumbnail.js";

/** What {@link regenerateThumbnails} needs; the analysis settings are the plugin's (the thumbnail side among them). */
export interface RegenerationOptions extends ImageProcessorOptions {
  db: Db;
  storage: StorageDriver;
  log: Logger;
  /** Assets read per query (default 100). */
  batchSize?: number;
  /** Stops the job between assets. */
  signal?: AbortSignal;
}

/** What one run did. */
export interface RegenerationReport {
  /** Assets whose thumbnail was out of date. */
  outdated: number;
  regenerated: number;
  /** Assets that could not be regenerated (logged; they keep their old thumbnail). */
  failed: number;
}

/** Regenerates every out-of-date thumbnail; resolves with what it did. */
export async function regenerateThumbnails(options: RegenerationOptions): Promise<RegenerationReport> {
  const { db, log } = options;
  const side = options.thumbnailSide ?? DEFAULT_ANALYSIS_OPTIONS.thumbnailSide;
  const report: RegenerationReport = { outdated: 0, regenerated: 0, failed: 0 };
  const outdated = { is_image: true, OR: [{ thumbnail_key: null }, { NOT: { thumbnail_key: { endsWith: `/${thumbnailName(side)}` } } }] };
  let after = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    const batch = await db.imageAsset.findMany({
      where: { ...outdated, id: { gt: after } },
      orderBy: { id: "asc" },
      take: options.batchSize ?? 100,
      select: { id: true, storage_key: true, sha256: true, thumbnail_key: true, resource: { select: { uuid: true } } },
    });
    if (batch.length === 0) break;
    for (const asset of batch) {
      options.signal?.throwIfAborted();
      after = asset.id;
      report.outdated += 1;
      try {
        if (await regenerateOne(options, asset, side)) report.regenerated += 1;
      } catch (error) {
        report.failed += 1;
        log.warn({ err: error, imageAssetId: asset.id }, "could not regenerate the thumbnail");
      }
    }
  }
  if (report.outdated) log.info({ ...report, side }, "regenerated thumbnails");
  return report;
}

interface OutdatedAsset {
  id: number;
  storage_key: string;
  sha256: string | null;
  thumbnail_key: string | null;
  resource: { uuid: string };
}

/** Makes and stores the asset's thumbnail, then points the row at it; false if another run got there first. */
async function regenerateOne(options: RegenerationOptions, asset: OutdatedAsset, side: number): Promise<boolean> {
  const { db, storage } = options;
  const key = thumbnailKey({ sha256: asset.sha256, uuid: asset.resource.uuid }, side);
  if (!(await storage.exists(key))) {
    const thumbnail = await withSpooledFile(
      () => storage.get(asset.storage_key),
      async (file) => {
        const probe = await probeImage(file.path);
        if (!probe) throw new Error("the original is no longer recognised as an image");
        const settings = { ...DEFAULT_ANALYSIS_OPTIONS, ...options };
        const image = await decodeForAnalysis(file.path, probe, { maxSide: side, maxInputPixels: settings.maxInputPixels, timeoutSeconds: settings.timeoutSeconds });
        return encodeThumbnail(image, side);
      },
      { dir: options.tmpDir, signal: options.signal },
    );
    await storage.put(key, Readable.from([thumbnail.data]), { contentType: thumbnail.mimeType, signal: options.signal });
  }
  const moved = await db.imageAsset.updateMany({ where: { id: asset.id, thumbnail_key: asset.thumbnail_key }, data: { thumbnail_key: key } });
  if (moved.count === 0) return false;
  // The old thumbnail goes once no asset uses it (assets with the same bytes share it).
  if (asset.thumbnail_key && asset.thumbnail_key !== key && (await db.imageAsset.count({ where: { thumbnail_key: asset.thumbnail_key } })) === 0) {
    await storage.delete(asset.thumbnail_key);
  }
  return true;
}
