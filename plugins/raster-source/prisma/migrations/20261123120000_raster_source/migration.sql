-- CreateTable
CREATE TABLE "RasterSource" (
    "id" SERIAL NOT NULL,
    "resource_id" INTEGER NOT NULL,
    "supplier_code" TEXT,
    "temporal" BOOLEAN NOT NULL DEFAULT false,
    "interval_seconds" INTEGER,
    "first_value_timestamp" TIMESTAMP(3),
    "last_value_timestamp" TIMESTAMP(3),
    "projection" TEXT,
    "origin_x" DOUBLE PRECISION,
    "origin_y" DOUBLE PRECISION,
    "upper_bound_x" DOUBLE PRECISION,
    "upper_bound_y" DOUBLE PRECISION,
    "pixelsize_x" DOUBLE PRECISION,
    "pixelsize_y" DOUBLE PRECISION,
    "west" DOUBLE PRECISION,
    "east" DOUBLE PRECISION,
    "north" DOUBLE PRECISION,
    "south" DOUBLE PRECISION,
    "size" BIGINT NOT NULL DEFAULT 0,
    "dtype" TEXT,
    "fill_value" TEXT,
    "width" INTEGER,
    "height" INTEGER,
    "band_count" INTEGER,
    "cloud_optimized" BOOLEAN,
    "overviews" JSONB NOT NULL DEFAULT '[]',
    "statistics" JSONB,
    "scenario_id" INTEGER,

    CONSTRAINT "RasterSource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RasterStep" (
    "id" SERIAL NOT NULL,
    "source_id" INTEGER NOT NULL,
    "timestamp" TIMESTAMP(3),
    "upload_id" INTEGER,
    "storage_key" TEXT NOT NULL,
    "size" BIGINT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RasterStep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RasterLayer" (
    "id" SERIAL NOT NULL,
    "uuid" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "organisation_id" INTEGER,
    "access_modifier" "AccessModifier" NOT NULL DEFAULT 'Private',
    "source_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RasterLayer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LabelType" (
    "id" SERIAL NOT NULL,
    "uuid" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "source_id" INTEGER,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LabelType_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Scenario" (
    "id" SERIAL NOT NULL,
    "uuid" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Scenario_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RasterSource_resource_id_key" ON "RasterSource"("resource_id");

-- CreateIndex
CREATE INDEX "RasterSource_projection_idx" ON "RasterSource"("projection");

-- CreateIndex
CREATE INDEX "RasterSource_first_value_timestamp_idx" ON "RasterSource"("first_value_timestamp");

-- CreateIndex
CREATE INDEX "RasterSource_last_value_timestamp_idx" ON "RasterSource"("last_value_timestamp");

-- CreateIndex
CREATE INDEX "RasterSource_supplier_code_idx" ON "RasterSource"("supplier_code");

-- CreateIndex
CREATE INDEX "RasterSource_size_idx" ON "RasterSource"("size");

-- CreateIndex
CREATE INDEX "RasterSource_scenario_id_idx" ON "RasterSource"("scenario_id");

-- CreateIndex
CREATE UNIQUE INDEX "RasterStep_upload_id_key" ON "RasterStep"("upload_id");

-- CreateIndex
CREATE INDEX "RasterStep_source_id_created_at_idx" ON "RasterStep"("source_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "RasterStep_source_id_timestamp_key" ON "RasterStep"("source_id", "timestamp");

-- CreateIndex
CREATE UNIQUE INDEX "RasterLayer_uuid_key" ON "RasterLayer"("uuid");

-- CreateIndex
CREATE INDEX "RasterLayer_source_id_idx" ON "RasterLayer"("source_id");

-- CreateIndex
CREATE UNIQUE INDEX "LabelType_uuid_key" ON "LabelType"("uuid");

-- CreateIndex
CREATE INDEX "LabelType_source_id_idx" ON "LabelType"("source_id");

-- CreateIndex
CREATE UNIQUE INDEX "Scenario_uuid_key" ON "Scenario"("uuid");

-- AddForeignKey
ALTER TABLE "RasterSource" ADD CONSTRAINT "RasterSource_resource_id_fkey" FOREIGN KEY ("resource_id") REFERENCES "Resource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RasterSource" ADD CONSTRAINT "RasterSource_scenario_id_fkey" FOREIGN KEY ("scenario_id") REFERENCES "Scenario"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RasterStep" ADD CONSTRAINT "RasterStep_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "RasterSource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RasterLayer" ADD CONSTRAINT "RasterLayer_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "RasterSource"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LabelType" ADD CONSTRAINT "LabelType_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "RasterSource"("id") ON DELETE SET NULL ON UPDATE CASCADE;

