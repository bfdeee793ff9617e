import { Readable } from "node:stream";
import type { Processor } from "@assets/core";
import { analyseImage, type ImageAnalysisOptions, type ImageFacts } from "./analyse-image.js";
import { withSpooledFile } from "./spool-file.js";
import { thumbnailKey } from "./thumbnail.js";

/** Name of the image analysis step; its result is under this key in `ctx.results`. */
export const IMAGE_ANALYSIS = "image-analysis";

/** Options of {@link imageAnalysisProcessor}. */
export interface ImageProcessorOptions extends ImageAnalysisOptions {
  /** Where the temporary local copy goes (default: the OS temp dir). */
  tmpDir?: string;
}

/** Facts every asset has, image or not. */
interface FileFacts {
  /** Hex MD5 of the stored bytes. */
  md5: string;
  size: number;
}

/** The stored thumbnail of an image. */
export interface StoredThumbnail {
  key: string;
  width: number;
  height: number;
  mime_type: string;
}

/** What the image analysis step returns: image facts and a thumbnail, or `is_image: false`. */
export type ImageAnalysisResult = FileFacts & ((ImageFacts & { thumbnail: StoredThumbnail }) | { is_image: false });

/**
 * The pipeline step that turns stored bytes into image facts: the file is copied locally
 * once (streamed, MD5 on the way), analysed, and its thumbnail stored. A file that is not
 * an image passes with `is_image: false`; a bomb or a corrupt image rejects the upload
 * with the reason (`ImageRejectedError` is unrecoverable), leaving nothing stored.
 */
export function imageAnalysisProcessor(options: ImageProcessorOptions = {}): Processor {
  return {
    name: IMAGE_ANALYSIS,
    async run(ctx, signal): Promise<ImageAnalysisResult> {
      return withSpooledFile(
        () => ctx.file.open(),
        async (file) => {
          signal.throwIfAborted();
          const analysis = await analyseImage(file.path, options);
          const facts = { md5: file.md5, size: file.size };
          if (!analysis) return { ...facts, is_image: false };
          await ctx.progress(80);
          const { thumbnail } = analysis;
          const key = thumbnailKey(ctx.upload, options.thumbnailSide);
          await ctx.storage.put(key, Readable.from([thumbnail.data]), { signal, contentType: thumbnail.mimeType });
          return {
            ...facts,
            ...analysis.facts,
            thumbnail: { key, width: thumbnail.width, height: thumbnail.height, mime_type: thumbnail.mimeType },
          };
        },
        { dir: options.tmpDir, signal },
      );
    },
  };
}
