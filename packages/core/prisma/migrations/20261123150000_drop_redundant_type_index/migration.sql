-- "Resource_type_created_at_id_listing_idx" (type, created_at, id) INCLUDE (...) has the same
-- leading columns and serves every query this one did.
DROP INDEX "Resource_type_created_at_idx";
