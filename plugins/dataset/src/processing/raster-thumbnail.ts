/**
 * The PNG thumbnail of a raster dataset: one window over the raster's whole extent in its own
 * CRS, at most {@link RASTER_THUMBNAIL_SIZE} pixels on its longer side, read by the GeoTIFF
 * engine from the coarsest level fine enough (an overview when there is one) and coloured over
 * band 1's range. Runs after raster-source's metadata and statistics steps.
 */
import { Readable } from "node:stream";
import { type Processor, UnrecoverableError } from "@assets/core";
import { InvalidRasterError, type RasterBudget, readWindow, renderPng } from "@assets/geotiff";
import { abortableReader, metadataResult, statisticsResult, storedFileReader } from "@assets/raster-source";
import { datasetThumbnailKey, type StoredDatasetThumbnail } from "./dataset-processor.js";

/** Name of the step; its result (a {@link StoredDatasetThumbnail}) is under this key. */
export const RASTER_THUMBNAIL_STEP = "raster-dataset-thumbnail";

/** Longest side of a raster dataset's thumbnail, in pixels. */
export const RASTER_THUMBNAIL_SIZE = 256;

/** Width and height of a thumbnail of a `width` x `height` raster: the longer side fixed, the aspect kept. */
export function thumbnailSize(width: number, height: number): { width: number; height: number } {
  const scale = RASTER_THUMBNAIL_SIZE / Math.max(width, height);
  if (scale >= 1) return { width, height };
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** The thumbnail step; see the module comment. */
export function rasterThumbnailProcessor(budget?: Partial<RasterBudget>): Processor {
  return {
    name: RASTER_THUMBNAIL_STEP,
    async run(ctx, signal): Promise<StoredDatasetThumbnail> {
      const metadata = metadataResult(ctx.results);
      if (!metadata) throw new UnrecoverableError("The raster's metadata was not read");
      const band1 = statisticsResult(ctx.results)?.bands[0];
      const size = thumbnailSize(metadata.width, metadata.height);
      const bbox: [number, number, number, number] = [metadata.origin_x, metadata.origin_y, metadata.upper_bound_x, metadata.upper_bound_y];
      const reader = abortableReader(storedFileReader(ctx.file), signal);
      const window = await readWindow(reader, { bbox, ...size }, { budget }).catch((error: unknown) => {
        if (error instanceof InvalidRasterError) throw new UnrecoverableError(`Cannot draw the thumbnail: ${error.reason}`, { cause: error });
        throw error;
      });
      const png = await renderPng(window, { min: band1?.min ?? undefined, max: band1?.max ?? undefined });
      const key = datasetThumbnailKey(ctx.upload);
      await ctx.storage.put(key, Readable.from([png]), { signal, contentType: "image/png" });
      await ctx.progress(100);
      return {
        key,
        mime_type: "image/png",
        ...size,
        projection: metadata.projection,
        extent: bbox,
      };
    },
  };
}
