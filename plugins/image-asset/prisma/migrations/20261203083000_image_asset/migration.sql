-- The image-asset plugin's tables (prisma migrate diff from the composed schema without and with the plugin).
-- CreateTable
CREATE TABLE "ImageAsset" (
    "id" SERIAL NOT NULL,
    "resource_id" INTEGER NOT NULL,
    "storage_key" TEXT NOT NULL,
    "thumbnail_key" TEXT,
    "path" TEXT NOT NULL,
    "basename" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "md5" TEXT NOT NULL,
    "sha256" TEXT,
    "is_image" BOOLEAN NOT NULL,
    "format" TEXT,
    "mime_type" TEXT,
    "width" INTEGER,
    "height" INTEGER,
    "frame_count" INTEGER,
    "has_alpha" BOOLEAN NOT NULL DEFAULT false,
    "resolution" TEXT,
    "orientation" TEXT,
    "blurhash" TEXT,
    "thumbhash" TEXT,
    "colors" JSONB NOT NULL DEFAULT '[]',
    "exif_info" JSONB NOT NULL DEFAULT '{}',
    "author" TEXT,
    "copyright" TEXT,
    "notes" TEXT,
    "duration" INTEGER,
    "frame_rate" INTEGER,
    "default_field_metadata" JSONB NOT NULL DEFAULT '{}',
    "smart_tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "upload_collection_id" INTEGER,

    CONSTRAINT "ImageAsset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UploadCollection" (
    "id" SERIAL NOT NULL,
    "label" TEXT NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "parent_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UploadCollection_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ImageAsset_resource_id_key" ON "ImageAsset"("resource_id");

-- CreateIndex
CREATE UNIQUE INDEX "ImageAsset_path_key" ON "ImageAsset"("path");

-- CreateIndex
CREATE INDEX "ImageAsset_md5_idx" ON "ImageAsset"("md5");

-- CreateIndex
CREATE INDEX "ImageAsset_format_idx" ON "ImageAsset"("format");

-- CreateIndex
CREATE INDEX "ImageAsset_mime_type_idx" ON "ImageAsset"("mime_type");

-- CreateIndex
CREATE INDEX "ImageAsset_upload_collection_id_idx" ON "ImageAsset"("upload_collection_id");

-- CreateIndex
CREATE INDEX "UploadCollection_parent_id_position_idx" ON "UploadCollection"("parent_id", "position");

-- AddForeignKey
ALTER TABLE "ImageAsset" ADD CONSTRAINT "ImageAsset_resource_id_fkey" FOREIGN KEY ("resource_id") REFERENCES "Resource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImageAsset" ADD CONSTRAINT "ImageAsset_upload_collection_id_fkey" FOREIGN KEY ("upload_collection_id") REFERENCES "UploadCollection"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UploadCollection" ADD CONSTRAINT "UploadCollection_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "UploadCollection"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

