/** `Resource.type` of raster sources, and their JSON:API type. */
export const RASTER_SOURCE_TYPE = "raster_source";
