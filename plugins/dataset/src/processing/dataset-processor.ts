/**
 * The pipeline step of a vector dataset: detect the format, read every feature once (bounded
 * memory whatever the file's size), summarise, draw and store a PNG thumbnail. A corrupt or
 * inconsistent file throws an {@link InvalidDatasetError} (unrecoverable): the upload ends
 * `rejected` with its reason, nothing is stored. Storage and I/O failures stay transient.
 */
import { Readable } from "node:stream";
import { LocalDiskStorage, type Processor, type ProcessorContext, type StorageDriver, type StoredFile, type Upload } from "@assets/core";
import { openLayer, type DatasetFile } from "../readers/open-layer.js";
import type { ZipLimits } from "../readers/zip.js";
import { summarizeLayer, type DatasetSummary } from "../summary/summarize.js";
import { renderThumbnail, type Thumbnail, type ThumbnailOptions } from "../thumbnail/render-thumbnail.js";

/** Name of the step; its result is under this key in `ctx.results`. */
export const DATASET_SUMMARY = "dataset-summary";

/** Options of {@link datasetProcessor}. */
export interface DatasetProcessorOptions {
  zip?: ZipLimits;
  thumbnail?: ThumbnailOptions | false;
}

/** Where a stored thumbnail is and what it shows. */
export interface StoredDatasetThumbnail extends Pick<Thumbnail, "width" | "height" | "extent"> {
  key: string;
  /** CRS of `extent`, "EPSG:<code>" (a vector thumbnail is drawn in 3857 or 4326, a raster's in its own). */
  projection: string;
  mime_type: "image/png";
}

/** The step's result (JSON). */
export interface DatasetSummaryResult {
  summary: DatasetSummary;
  /** Null when the layer has no geometry, no CRS to place it, or thumbnails are off. */
  thumbnail: StoredDatasetThumbnail | null;
}

/** Storage key of an upload's dataset thumbnail: beside its content, so identical bytes share it. */
export function datasetThumbnailKey(upload: Pick<Upload, "sha256" | "uuid">): string {
  return `derivatives/${upload.sha256 ?? upload.uuid}/dataset-thumbnail.png`;
}

/** `ctx.file` with its bytes counted as they are read, for progress, and its path on local disk storage. */
function counted(file: StoredFile, storage: StorageDriver, onBytes: (n: number) => void): DatasetFile {
  const tap = (stream: Readable) => stream.on("data", (chunk: Buffer) => onBytes(chunk.length));
  return {
    size: file.size,
    ...(storage instanceof LocalDiskStorage ? { localPath: storage.pathOf(file.key) } : {}),
    read: (offset, length) => file.read(offset, length),
    open: async () => tap(await file.open()),
    openRange: async (start, end) => tap(await file.openRange(start, end)),
  };
}

function progressOf(ctx: ProcessorContext, size: number) {
  let read = 0;
  let reported = 0;
  return {
    onBytes(n: number) {
      read += n;
    },
    async report() {
      // A zip's entries are read more than once (headers, then records): cap at 90.
      const percent = Math.min(90, Math.floor((90 * read) / Math.max(1, size)));
      if (percent >= reported + 5) {
        reported = percent;
        await ctx.progress(percent);
      }
    },
  };
}

/** The vector dataset step; see the module comment. */
export function datasetProcessor(options: DatasetProcessorOptions = {}): Processor {
  return {
    name: DATASET_SUMMARY,
    async run(ctx, signal): Promise<DatasetSummaryResult> {
      const progress = progressOf(ctx, ctx.file.size);
      const { layer } = await openLayer(counted(ctx.file, ctx.storage, progress.onBytes), ctx.upload.filename ?? "", options.zip);
      const { summary, sample } = await summarizeLayer(layer, {
        signal,
        onProgress: () => progress.report(),
        sampleSize: options.thumbnail === false ? 0 : undefined,
      });
      await ctx.progress(90);
      if (options.thumbnail === false || sample.length === 0 || !summary.crs) return { summary, thumbnail: null };
      const image = await renderThumbnail(sample, summary.crs, options.thumbnail);
      const key = datasetThumbnailKey(ctx.upload);
      await ctx.storage.put(key, Readable.from([image.png]), { signal, contentType: "image/png" });
      await ctx.progress(100);
      const { width, height, projection, extent } = image;
      return { summary, thumbnail: { key, mime_type: "image/png", width, height, projection, extent } };
    },
  };
}
