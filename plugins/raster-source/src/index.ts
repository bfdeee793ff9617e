import { fileURLToPath } from "node:url";
import { definePlugin, type RasterSource } from "@assets/core";
import { rasterThumbnailPath } from "./model/raster-thumbnail.js";
import { LIZARD_PREFIX } from "./api/lizard-urls.js";
import { lizardRouter } from "./api/lizard-router.js";
import { DRF_ERRORS } from "@assets/drf";
import { RASTER_SOURCE_TYPE } from "./model/raster-source-type.js";
import { RASTER_SOURCE_FIELDS } from "./model/raster-source-fields.js";
import { detachRasterDependants, rasterReferences } from "./api/raster-references.js";
import { bandStatistics, rasterSourceAttributes } from "./model/raster-source-attributes.js";
import { commitRasterUpload } from "./processing/commit.js";
import { rasterDataRoutes } from "./processing/data-routes.js";
import { rasterProcessors, type RasterProcessorOptions } from "./processing/processors.js";

/** The plugin's name, for `dependsOn` of plugins built on it. */
export const RASTER_SOURCE_PLUGIN = "raster-source";

/** Options of {@link rasterSourcePlugin}. */
export interface RasterSourcePluginOptions extends RasterProcessorOptions {
  /**
   * Longest time one processing attempt of a raster upload may take, in ms (default 10
   * minutes; the 604 MB test raster takes seconds). Past it the upload is rejected.
   */
  timeLimitMs?: number;
}

const DEFAULT_TIME_LIMIT_MS = 10 * 60_000;

/**
 * The raster-source plugin: GeoTIFF/COG raster sources as an asset type
 * (queryable and rendered through the core JSON:API), their upload
 * pipeline, and a Lizard API v4 compatible profile under `/api/v4`.
 */
export function rasterSourcePlugin(options: RasterSourcePluginOptions = {}) {
  return definePlugin({
    name: RASTER_SOURCE_PLUGIN,
    // Its tables: prisma/schema/raster_source.prisma, composed into the client by assets-schema.
    migrations: fileURLToPath(new URL("../prisma/migrations", import.meta.url)),
    prefix: LIZARD_PREFIX,
    types: [
      {
        key: RASTER_SOURCE_TYPE,
        relation: "raster_source",
        fields: RASTER_SOURCE_FIELDS,
        // The core hands over `resource.raster_source`, the RasterSource row. The JSON:API adds the
        // band statistics (Lizard's shape has no field for them).
        attributes: (record) => ({ ...rasterSourceAttributes(record as RasterSource), statistics: bandStatistics(record as RasterSource) }),
        thumbnail: (resource, record) => rasterThumbnailPath(resource.uuid, record as RasterSource),
        accepts: { mimeTypes: ["image/tiff"], extensions: [".tif", ".tiff"] },
        processors: rasterProcessors(options),
        timeLimitMs: options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
        commit: commitRasterUpload,
        references: rasterReferences,
        detach: detachRasterDependants,
      },
    ],
    routes: (host) => lizardRouter(host, [rasterDataRoutes(host)]),
    api: { title: "Lizard API v4", version: "4", description: "Lizard's raster sources, rasters and tasks over the asset pipeline, in Django REST framework's shapes." },
    errors: DRF_ERRORS,
  });
}

export { RASTER_SOURCE_FIELDS } from "./model/raster-source-fields.js";
export { rasterSourceAttributes } from "./model/raster-source-attributes.js";
export { formatInterval, parseInterval } from "./model/interval.js";
export { DEFAULT_RASTER_BUDGET, type RasterBudget } from "@assets/geotiff";
// The engine, for plugins built on this one (`dependsOn: [RASTER_SOURCE_PLUGIN]`): its pipeline steps,
// their result shapes and the adapter from stored files to the GeoTIFF reader.
export { metadataProcessor, rasterProcessors, statisticsProcessor, type RasterProcessorOptions } from "./processing/processors.js";
export { METADATA_STEP, STATISTICS_STEP, metadataResult, statisticsResult, type RasterStatisticsResult } from "./processing/results.js";
export { abortableReader, storageObjectReader, storedFileReader } from "./processing/stored-reader.js";
