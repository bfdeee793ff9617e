-- Who asked for a job (Job.user_id): an upload's uploader, the caller of a plugin's operation (GeoNode's
-- execution requests list the caller's own). Written with prisma migrate diff; the backfill is by hand.
-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "user_id" INTEGER;

-- CreateIndex
CREATE INDEX "Job_user_id_created_at_idx" ON "Job"("user_id", "created_at");

-- Existing upload jobs: their uploader.
UPDATE "Job" SET "user_id" = "Upload"."uploader_id" FROM "Upload" WHERE "Job"."kind" = 'upload.process' AND "Job"."subject_id" = "Upload"."id";
