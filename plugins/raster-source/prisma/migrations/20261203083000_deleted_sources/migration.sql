-- Layers and label types remember the sources deleted with {"force": true} under them (Lizard's
-- `source.deleted_sources`), so they stay readable and say what they lost.
ALTER TABLE "RasterLayer" ADD COLUMN     "deleted_sources" TEXT[] DEFAULT ARRAY[]::TEXT[];

ALTER TABLE "LabelType" ADD COLUMN     "deleted_sources" TEXT[] DEFAULT ARRAY[]::TEXT[];
