-- DatoCMS's upload `type`, a class of the media type (prisma migrate diff), with the rows from before the column
-- filled in by the same table as src/model/upload-type.ts.
-- AlterTable
ALTER TABLE "ImageAsset" ADD COLUMN     "type" TEXT NOT NULL DEFAULT 'other';

-- Backfill
UPDATE "ImageAsset" SET "type" = CASE
    WHEN split_part(lower(trim(split_part(coalesce("mime_type", ''), ';', 1))), '/', 1) IN ('image', 'audio', 'video')
        THEN split_part(lower(trim(split_part("mime_type", ';', 1))), '/', 1)
    WHEN lower(trim(split_part(coalesce("mime_type", ''), ';', 1))) = 'application/pdf' THEN 'pdfdocument'
    WHEN lower(trim(split_part(coalesce("mime_type", ''), ';', 1))) IN ('application/zip', 'application/x-zip-compressed', 'application/x-tar',
        'application/gzip', 'application/x-gzip', 'application/x-bzip2', 'application/x-xz', 'application/x-7z-compressed',
        'application/vnd.rar', 'application/x-rar-compressed') THEN 'archive'
    WHEN lower(trim(split_part(coalesce("mime_type", ''), ';', 1))) IN ('application/vnd.ms-powerpoint',
        'application/vnd.openxmlformats-officedocument.presentationml.presentation', 'application/vnd.oasis.opendocument.presentation',
        'application/vnd.apple.keynote') THEN 'presentation'
    WHEN lower(trim(split_part(coalesce("mime_type", ''), ';', 1))) IN ('application/msword',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.oasis.opendocument.text',
        'application/rtf', 'text/rtf') THEN 'richtext'
    WHEN lower(trim(split_part(coalesce("mime_type", ''), ';', 1))) IN ('application/vnd.ms-excel',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.oasis.opendocument.spreadsheet',
        'text/csv') THEN 'spreadsheet'
    ELSE 'other'
END;

-- CreateIndex
CREATE INDEX "ImageAsset_type_idx" ON "ImageAsset"("type");
