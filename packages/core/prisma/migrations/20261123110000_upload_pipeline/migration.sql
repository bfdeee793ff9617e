-- AlterTable
ALTER TABLE "Upload" ADD COLUMN     "claim_token" TEXT,
ADD COLUMN     "lease_expires_at" TIMESTAMP(3),
ADD COLUMN     "next_attempt_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "payload" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "id" SERIAL NOT NULL,
    "owner" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "body" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "IdempotencyRecord_created_at_idx" ON "IdempotencyRecord"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "IdempotencyRecord_owner_key_scope_key" ON "IdempotencyRecord"("owner", "key", "scope");

-- CreateIndex
CREATE INDEX "Upload_state_lease_expires_at_idx" ON "Upload"("state", "lease_expires_at");

