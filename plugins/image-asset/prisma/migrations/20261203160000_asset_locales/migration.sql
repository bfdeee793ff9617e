-- default_field_metadata's alt and title per locale, for the DatoCMS list's alt/title filters and locale search (prisma migrate diff),
-- filled in from the assets that have them.
-- CreateTable
CREATE TABLE "ImageAssetLocale" (
    "id" SERIAL NOT NULL,
    "image_asset_id" INTEGER NOT NULL,
    "locale" TEXT NOT NULL,
    "alt" TEXT,
    "title" TEXT,

    CONSTRAINT "ImageAssetLocale_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ImageAssetLocale_image_asset_id_locale_key" ON "ImageAssetLocale"("image_asset_id", "locale");

-- AddForeignKey
ALTER TABLE "ImageAssetLocale" ADD CONSTRAINT "ImageAssetLocale_image_asset_id_fkey" FOREIGN KEY ("image_asset_id") REFERENCES "ImageAsset"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Backfill
INSERT INTO "ImageAssetLocale" ("image_asset_id", "locale", "alt", "title")
SELECT a."id", e.key,
       CASE WHEN jsonb_typeof(e.value -> 'alt') = 'string' THEN e.value ->> 'alt' END,
       CASE WHEN jsonb_typeof(e.value -> 'title') = 'string' THEN e.value ->> 'title' END
FROM "ImageAsset" a, jsonb_each(CASE WHEN jsonb_typeof(a."default_field_metadata") = 'object' THEN a."default_field_metadata" ELSE '{}'::jsonb END) e
WHERE jsonb_typeof(e.value) = 'object';
