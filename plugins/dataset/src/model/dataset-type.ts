/** Asset type key (and `Resource.type`) of GeoNode datasets: vector and raster. */
export const DATASET_TYPE = "dataset";

/** Asset type key of GeoTIFF uploads, processed by the raster-source engine; they commit as `dataset` resources. */
export const RASTER_DATASET_TYPE = "raster_dataset";

/** Asset type key (and `Resource.type`) of GeoNode documents: any non-geo file. */
export const DOCUMENT_TYPE = "document";

/** GeoNode's dataset subtypes, and `document` for documents. */
export const DATASET_SUBTYPES = ["vector", "raster", "remote", "document"] as const;

/** One of {@link DATASET_SUBTYPES}. */
export type DatasetSubtype = (typeof DATASET_SUBTYPES)[number];

/** GeoNode's `date_type` values. */
export const DATE_TYPES = ["creation", "publication", "revision"] as const;
