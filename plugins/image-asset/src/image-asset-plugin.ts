import { fileURLToPath } from "node:url";
import { definePlugin, type AssetPlugin } from "@assets/core";
import { imageAssetAttributes, type ImageAssetRecord } from "./model/image-asset-attributes.js";
import { IMAGE_ASSET_FIELDS } from "./model/image-asset-fields.js";
import { IMAGE_ASSET_TYPE } from "./model/image-asset-type.js";
import { commitImageUpload } from "./processing/commit.js";
import { imageAnalysisProcessor, type ImageProcessorOptions } from "./processing/image-processor.js";
import { deliveryRouter, type DeliveryOptions } from "./delivery/delivery-router.js";
import { regenerateThumbnails } from "./processing/regenerate-thumbnails.js";
import { DATOCMS_ERRORS } from "./profile/datocms-errors.js";
import { BULK_JOBS } from "./profile/bulk-service.js";
import { datocmsRouter } from "./profile/datocms-router.js";
import { MemoryRateCounter, RedisRateCounter, type RateCounter } from "./profile/rate-counter.js";
import { RateLimit, type RateLimitOptions } from "./profile/rate-limit.js";
import { siteLocales } from "./profile/site-locales.js";

/** Options of {@link imageAssetPlugin}. */
export interface ImageAssetPluginOptions extends ImageProcessorOptions {
  /** Mount path of the DatoCMS profile inside the asset router (default `/datocms`). */
  prefix?: string;
  /** Image delivery (`<prefix>/assets/:id/:filename`): bounds, queue, caching. */
  delivery?: DeliveryOptions;
  /**
   * The DatoCMS profile's rate limit per API key (default DatoCMS's: 60 requests per 3 s).
   * `redisUrl` counts in Redis, so that several processes agree (the plugin's `close`, which
   * `pipeline.close()` calls, quits its connection); `counter` supplies one (the host then
   * closes it); otherwise the count is in-process.
   */
  rateLimit?: RateLimitOptions & { redisUrl?: string; counter?: RateCounter };
  /**
   * The site's locales, the main one first (default `["en"]`), as DatoCMS's `GET /site` lists
   * them: `default_field_metadata` has each, `locale` may name one, and a write naming another is
   * a 422.
   */
  locales?: readonly string[];
}

/**
 * The image-asset plugin: DatoCMS-style media assets (any file; images analysed: size,
 * EXIF, placeholders, palette, thumbnail) as the asset type `image_asset`, with its tables
 * (ImageAsset, UploadCollection) and migrations, and DatoCMS's Content Management API for them
 * under `prefix` (default `/datocms`), with image delivery (imgix parameters) at
 * `<prefix>/assets/:id/:filename`.
 */
export function imageAssetPlugin(options: ImageAssetPluginOptions = {}): AssetPlugin {
  const prefix = options.prefix ?? "/datocms";
  const locales = siteLocales(options.locales);
  const { redisUrl, counter: given, ...rateLimit } = options.rateLimit ?? {};
  const counter = given ?? (redisUrl ? new RedisRateCounter(redisUrl) : new MemoryRateCounter());
  const limiter = new RateLimit(counter, rateLimit);
  return definePlugin({
    name: "image-asset",
    prefix,
    api: { title: "DatoCMS Content Management API (uploads)", version: "3", description: "DatoCMS's uploads, upload collections and tags, with imgix-style delivery, over the asset pipeline." },
    routes: (host) => datocmsRouter(host, { prefix, limiter, locales }, [deliveryRouter(host, options.delivery)]),
    errors: DATOCMS_ERRORS,
    // DatoCMS sends the rate headers on every answer of the CMA, a refused API key's 401 too (counted per address).
    refused: async (error, req, res) => {
      if (!isDeliveryPath(req.path)) await limiter.charge(req, res, error.code === "UNAUTHENTICATED");
    },
    close: async () => {
      // A given counter is its owner's to close.
      if (!given) await counter.close();
    },
    // DatoCMS's bulk operations run as jobs on the pipeline's queue.
    jobs: BULK_JOBS,
    migrations: fileURLToPath(new URL("../prisma/migrations", import.meta.url)),
    // Thumbnails made under another setting are regenerated in the background; a later start picks up what is left.
    init: async ({ db, log, storage }) => {
      void regenerateThumbnails({ ...options, db: db.prisma, storage, log }).catch((error: unknown) => log.warn({ err: error }, "thumbnail regeneration stopped"));
    },
    types: [
      {
        key: IMAGE_ASSET_TYPE,
        relation: "image_asset",
        fields: IMAGE_ASSET_FIELDS,
        // The core hands over `resource.image_asset`, the ImageAsset row.
        attributes: (record) => imageAssetAttributes(record as unknown as ImageAssetRecord),
        thumbnail: (_resource, record) => imageThumbnailPath(prefix, record as unknown as ImageAssetRecord),
        processors: [imageAnalysisProcessor(options)],
        commit: commitImageUpload,
      },
    ],
  });
}

/** The delivery route (a CDN's, without the CMA's rate headers), as a path under the prefix. */
function isDeliveryPath(path: string): boolean {
  return path.startsWith("/assets/");
}

/** A grid-sized crop through the delivery route, in the format the browser prefers; none for non-images. */
function imageThumbnailPath(prefix: string, asset: ImageAssetRecord): string | null {
  return asset.is_image ? `${prefix}/assets${asset.path}?w=320&h=240&fit=crop&auto=format` : null;
}
