-- Permission-filtered lists carry `EXISTS (grants ...)` inside an OR. PostgreSQL
-- costs such an AlternativeSubPlan by its per-row (correlated) form even though it
-- runs the hashed one, so any list or count over more than ~25k rows is estimated
-- above jit_above_cost (100000) and pays 10-20 ms of JIT compilation for a query
-- that runs in 10-25 ms. No index changes that estimate (bench/list-permissions.ts,
-- BENCHMARKS.md). JIT only pays off for long analytical queries, so it is turned
-- off for this database; new sessions pick it up. Without the privilege to alter
-- the database the step is skipped; set `jit = off` in the server or role config.
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'jit left as configured: no privilege to ALTER DATABASE %', current_database();
END
$$;
