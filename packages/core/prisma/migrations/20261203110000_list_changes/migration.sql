-- Generations for the list path's count cache (packages/core/src/query/sql/count-cache.ts).
-- Every transaction that writes a table adds one row naming it, from a statement trigger, so the row
-- commits (or rolls back) with the write. The sum of `n` over a filter's tables is then the same in
-- every snapshot that sees the same committed writes to them, in any process: a count remembered for
-- one sum is exact while the sum is unchanged. Inserts only (compaction folds rows, keeping the sum),
-- so writers never wait on each other here.
CREATE TABLE "_list_changes" (
  "id" BIGSERIAL PRIMARY KEY,
  "table_name" TEXT NOT NULL,
  "xid" XID8 NOT NULL DEFAULT pg_current_xact_id(),
  "n" BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX "_list_changes_table_xid" ON "_list_changes" ("table_name", "xid") INCLUDE ("n");

CREATE FUNCTION assets_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "_list_changes" (table_name) VALUES (TG_TABLE_NAME) ON CONFLICT (table_name, xid) DO NOTHING;
  RETURN NULL;
END $$;

-- Puts the trigger on every table of the schema that lacks it; migrate() calls it after each run, so
-- plugins' tables get it too.
CREATE FUNCTION assets_track_list_tables() RETURNS void LANGUAGE plpgsql AS $$
DECLARE t regclass;
BEGIN
  FOR t IN
    SELECT c.oid::regclass FROM pg_class c
     WHERE c.relkind IN ('r', 'p') AND c.relnamespace = current_schema()::regnamespace
       AND c.relname NOT IN ('_list_changes', '_prisma_migrations')
       AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'assets_list_changes')
  LOOP
    EXECUTE format('CREATE TRIGGER assets_list_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION assets_note_change()', t);
  END LOOP;
END $$;
