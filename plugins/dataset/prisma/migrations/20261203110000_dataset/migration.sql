-- The dataset plugin's tables: Dataset (1:1 with Resource), its attribute set and favorites (written with prisma migrate diff from the composed schema without and with the plugin).
-- CreateTable
CREATE TABLE "Dataset" (
    "id" SERIAL NOT NULL,
    "resource_id" INTEGER NOT NULL,
    "subtype" TEXT NOT NULL,
    "alternate" TEXT,
    "storage_key" TEXT,
    "filename" TEXT,
    "mime_type" TEXT,
    "format" TEXT,
    "srid" TEXT,
    "crs_wkt" TEXT,
    "bbox_x0" DOUBLE PRECISION,
    "bbox_y0" DOUBLE PRECISION,
    "bbox_x1" DOUBLE PRECISION,
    "bbox_y1" DOUBLE PRECISION,
    "ll_bbox_x0" DOUBLE PRECISION,
    "ll_bbox_y0" DOUBLE PRECISION,
    "ll_bbox_x1" DOUBLE PRECISION,
    "ll_bbox_y1" DOUBLE PRECISION,
    "feature_count" INTEGER,
    "geometry_type" TEXT,
    "category" TEXT,
    "regions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "date" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "date_type" TEXT NOT NULL DEFAULT 'publication',
    "license" TEXT,
    "thumbnail_key" TEXT,
    "is_published" BOOLEAN NOT NULL DEFAULT true,
    "is_approved" BOOLEAN NOT NULL DEFAULT true,
    "featured" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "Dataset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DatasetAttribute" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "attribute" TEXT NOT NULL,
    "attribute_type" TEXT NOT NULL,
    "display_order" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "min" TEXT,
    "max" TEXT,
    "average" TEXT,
    "median" TEXT,
    "stddev" TEXT,
    "sum" TEXT,
    "unique_values" JSONB NOT NULL DEFAULT '[]',
    "unique_complete" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "DatasetAttribute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DatasetFavorite" (
    "dataset_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DatasetFavorite_pkey" PRIMARY KEY ("dataset_id","user_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_resource_id_key" ON "Dataset"("resource_id");

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_alternate_key" ON "Dataset"("alternate");

-- CreateIndex
CREATE INDEX "Dataset_subtype_idx" ON "Dataset"("subtype");

-- CreateIndex
CREATE INDEX "Dataset_category_idx" ON "Dataset"("category");

-- CreateIndex
CREATE INDEX "Dataset_featured_idx" ON "Dataset"("featured");

-- CreateIndex
CREATE INDEX "Dataset_date_idx" ON "Dataset"("date");

-- CreateIndex
CREATE UNIQUE INDEX "DatasetAttribute_dataset_id_attribute_key" ON "DatasetAttribute"("dataset_id", "attribute");

-- CreateIndex
CREATE INDEX "DatasetFavorite_user_id_idx" ON "DatasetFavorite"("user_id");

-- AddForeignKey
ALTER TABLE "Dataset" ADD CONSTRAINT "Dataset_resource_id_fkey" FOREIGN KEY ("resource_id") REFERENCES "Resource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DatasetAttribute" ADD CONSTRAINT "DatasetAttribute_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DatasetFavorite" ADD CONSTRAINT "DatasetFavorite_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "Dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DatasetFavorite" ADD CONSTRAINT "DatasetFavorite_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

