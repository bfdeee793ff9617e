-- Idempotency keys survive a crash: an in-progress record has a lease its request renews; once it
-- runs out a retry takes the key over. Rows stuck in progress from before (no lease) are taken over
-- at once. The fingerprint refuses a different request under a used key; old rows have none.
ALTER TABLE "IdempotencyRecord" ADD COLUMN "fingerprint" TEXT NOT NULL DEFAULT '',
ADD COLUMN "lease_token" TEXT,
ADD COLUMN "lease_expires_at" TIMESTAMP(3);
