-- Deleting an upload collection deletes its descendants (DatoCMS's tree), their assets stay in no collection
-- (ImageAsset.upload_collection_id is ON DELETE SET NULL). Written with prisma migrate diff.
-- DropForeignKey
ALTER TABLE "UploadCollection" DROP CONSTRAINT "UploadCollection_parent_id_fkey";

-- AddForeignKey
ALTER TABLE "UploadCollection" ADD CONSTRAINT "UploadCollection_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "UploadCollection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

