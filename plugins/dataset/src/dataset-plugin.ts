import { fileURLToPath } from "node:url";
import { definePlugin, type AssetPlugin } from "@assets/core";
import { GEONODE_ERRORS } from "./api/geonode-errors.js";
import { geonodeRouter } from "./api/geonode-router.js";
import { GEONODE_PREFIX } from "./api/geonode-urls.js";
import { datasetAttributes } from "./model/dataset-attributes.js";
import { DATASET_FIELDS } from "./model/dataset-fields.js";
import { DATASET_TYPE, DOCUMENT_TYPE, RASTER_DATASET_TYPE } from "./model/dataset-type.js";
import type { Dataset } from "@assets/core";
import { commitDocumentUpload } from "./processing/commit-document.js";
import { commitDatasetUpload } from "./processing/commit.js";
import { datasetProcessor, type DatasetProcessorOptions } from "./processing/dataset-processor.js";
import { commitRasterDatasetUpload } from "./processing/commit-raster.js";
import { operationJobs } from "./operations/operation-jobs.js";
import { rasterThumbnailProcessor } from "./processing/raster-thumbnail.js";
import { RASTER_SOURCE_PLUGIN, rasterProcessors, type RasterProcessorOptions } from "@assets/raster-source";

/** Options of {@link datasetPlugin}. */
export interface DatasetPluginOptions {
  /** Options of the vector step (zip limits, thumbnails). */
  vector?: DatasetProcessorOptions;
  /** Options of raster-source's steps for GeoTIFF datasets (statistics, the header budget). */
  raster?: RasterProcessorOptions;
  /** Longest time one processing attempt of a dataset upload may take, in ms (default 30 minutes). */
  timeLimitMs?: number;
}

const DEFAULT_TIME_LIMIT_MS = 30 * 60_000;

/**
 * The dataset plugin: vector datasets (GeoJSON, zipped or multi-part Shapefile, CSV,
 * FlatGeobuf) summarised in one streaming pass, raster datasets (GeoTIFF) through the
 * raster-source plugin's steps, and documents, as GeoNode resources (tables Dataset,
 * DatasetAttribute, DatasetFavorite), with a GeoNode REST API v2 profile under `/api/v2`.
 * It builds on raster-source (its steps read raster-source's tables), so the host registers
 * that plugin first.
 */
export function datasetPlugin(options: DatasetPluginOptions = {}): AssetPlugin {
  const attributes = (record: Record<string, unknown>) => datasetAttributes(record as unknown as Dataset);
  // The PNG the processors drew, served by the GeoNode profile as `thumbnail_url`; none for a document.
  const thumbnail = (resource: { id: number }, record: Record<string, unknown>) =>
    (record as unknown as Dataset).thumbnail_key ? `${GEONODE_PREFIX}/resources/${resource.id}/thumbnail.png` : null;
  return definePlugin({
    name: "dataset",
    dependsOn: [RASTER_SOURCE_PLUGIN],
    migrations: fileURLToPath(new URL("../prisma/migrations", import.meta.url)),
    prefix: GEONODE_PREFIX,
    api: { title: "GeoNode API v2", version: "2", description: "GeoNode's REST API v2 (resources, datasets, documents, uploads, execution requests) over the asset pipeline." },
    types: [
      {
        key: DATASET_TYPE,
        relation: "dataset",
        fields: DATASET_FIELDS,
        attributes,
        thumbnail,
        processors: [datasetProcessor(options.vector)],
        timeLimitMs: options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
        commit: commitDatasetUpload,
      },
      {
        // GeoTIFFs sent through GeoNode's upload form; they commit as `dataset` resources of subtype raster.
        // No extensions: the core's own /uploads keeps sending .tif files to raster-source.
        key: RASTER_DATASET_TYPE,
        relation: "dataset",
        fields: DATASET_FIELDS,
        attributes,
        thumbnail,
        accepts: { mimeTypes: ["image/tiff"] },
        committedAs: { type: DATASET_TYPE, fields: { subtype: "raster" } },
        processors: [...rasterProcessors(options.raster), rasterThumbnailProcessor(options.raster?.budget)],
        timeLimitMs: options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS,
        commit: commitRasterDatasetUpload,
      },
      { key: DOCUMENT_TYPE, relation: "dataset", fields: DATASET_FIELDS, attributes, thumbnail, processors: [], commit: commitDocumentUpload },
    ],
    // GeoNode's resource-service operations (copy, delete, update, create, ingest) as jobs of the pipeline's queue.
    jobs: operationJobs(),
    routes: (host) => geonodeRouter(host),
    errors: GEONODE_ERRORS,
  });
}
