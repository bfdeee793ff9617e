-- ImageAsset.resolution as an enum declared smallest first, so ordering by it is icon < small < medium < large.
-- prisma migrate diff drops and re-adds the column; the values are converted in place instead.
-- CreateEnum
CREATE TYPE "ImageResolution" AS ENUM ('icon', 'small', 'medium', 'large');

-- AlterTable
ALTER TABLE "ImageAsset" ALTER COLUMN "resolution" TYPE "ImageResolution" USING "resolution"::"ImageResolution";
