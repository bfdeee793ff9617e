-- Trigram indexes make filter[query] (ILIKE '%term%') use an index instead of
-- a sequential scan. Prisma's schema cannot declare them, so this migration is
-- written by hand; later `migrate diff` runs leave it alone.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS "Resource_name_trgm_idx" ON "Resource" USING GIN ("name" gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "Resource_description_trgm_idx" ON "Resource" USING GIN ("description" gin_trgm_ops);
CREATE INDEX IF NOT EXISTS "Upload_filename_trgm_idx" ON "Upload" USING GIN ("filename" gin_trgm_ops);
