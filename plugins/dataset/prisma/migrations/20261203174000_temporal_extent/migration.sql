-- GeoNode's temporal extent (ResourceBase.temporal_extent_start/end), which the REST API v2 renders and the
-- QGIS GeoNode plugin filters on (filter{temporal_extent_start.gte}, filter{temporal_extent_end.lte}).
-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN "temporal_extent_end" TIMESTAMP(3),
ADD COLUMN "temporal_extent_start" TIMESTAMP(3);
