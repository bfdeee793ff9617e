-- Resources referring to resources through a field (ResourceUse): GET /resources/:id/references and
-- DatoCMS's in_use read them. Written with prisma migrate diff from the composed schema without and with it.
-- CreateTable
CREATE TABLE "ResourceUse" (
    "id" SERIAL NOT NULL,
    "from_id" INTEGER NOT NULL,
    "field" TEXT NOT NULL,
    "to_id" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ResourceUse_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ResourceUse_to_id_idx" ON "ResourceUse"("to_id");

-- CreateIndex
CREATE UNIQUE INDEX "ResourceUse_from_id_field_to_id_key" ON "ResourceUse"("from_id", "field", "to_id");

-- AddForeignKey
ALTER TABLE "ResourceUse" ADD CONSTRAINT "ResourceUse_from_id_fkey" FOREIGN KEY ("from_id") REFERENCES "Resource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ResourceUse" ADD CONSTRAINT "ResourceUse_to_id_fkey" FOREIGN KEY ("to_id") REFERENCES "Resource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

