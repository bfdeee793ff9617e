-- List queries always end their ORDER BY with the id, in the direction of the first key
-- (`compileListQuery`'s tie-breaker): the default listing is `created_at DESC, id DESC`. On an
-- index of the sort column alone PostgreSQL must sort every group of equal values again
-- (Incremental Sort), which for a deep page means all the rows before it: offset 90,000 of
-- 100,000 resources took 37 ms against 17 ms when the index holds the id too
-- (bench/list-resources.ts, BENCHMARKS.md). The new indexes serve every query the old ones did.
CREATE INDEX "Resource_created_at_id_idx" ON "Resource"(created_at, id);
CREATE INDEX "Resource_updated_at_id_idx" ON "Resource"(updated_at, id);
CREATE INDEX "Resource_name_id_idx" ON "Resource"(name, id);
DROP INDEX "Resource_created_at_idx";
DROP INDEX "Resource_updated_at_idx";
DROP INDEX "Resource_name_idx";
