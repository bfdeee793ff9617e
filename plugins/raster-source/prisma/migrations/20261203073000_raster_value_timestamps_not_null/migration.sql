-- first_value_timestamp/last_value_timestamp are never null, as Lizard shows them: the data's
-- timestamps, or 1970-01-01T00:00:00Z where there is none. Stored, so filters and ordering see
-- the same value the API renders.

-- A raster_source resource created through the generic API had no RasterSource row yet; it gets
-- one with the defaults, as such resources now get on creation.
INSERT INTO "RasterSource" ("resource_id")
SELECT r."id" FROM "Resource" r
WHERE r."type" = 'raster_source' AND NOT EXISTS (SELECT 1 FROM "RasterSource" s WHERE s."resource_id" = r."id");

UPDATE "RasterSource" SET "first_value_timestamp" = '1970-01-01 00:00:00' WHERE "first_value_timestamp" IS NULL;
UPDATE "RasterSource" SET "last_value_timestamp" = '1970-01-01 00:00:00' WHERE "last_value_timestamp" IS NULL;

ALTER TABLE "RasterSource"
    ALTER COLUMN "first_value_timestamp" SET DEFAULT '1970-01-01 00:00:00 +00:00',
    ALTER COLUMN "first_value_timestamp" SET NOT NULL,
    ALTER COLUMN "last_value_timestamp" SET DEFAULT '1970-01-01 00:00:00 +00:00',
    ALTER COLUMN "last_value_timestamp" SET NOT NULL;
