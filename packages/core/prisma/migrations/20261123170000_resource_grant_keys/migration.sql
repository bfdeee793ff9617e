-- Explicit grants on the resource row itself (bench/list-permissions.ts, BENCHMARKS.md).
--
-- A permission filter used to reach the grants either through an EXISTS on
-- "PermissionGrant" (which keeps PostgreSQL from combining the OR's arms in a
-- BitmapOr) or through the ids of the granted resources, read in a statement of
-- their own before the page and sent back as `id IN (...)`. Now each resource
-- carries its grants as keys, `<permission>:anyone`, `<permission>:user:<id>` and
-- `<permission>:group:<id>`, and the filter is `grant_keys && ARRAY[<the caller's
-- keys>]`: a handful of keys however many resources are granted, tested in the
-- same statement and snapshot as the rest of the filter.

ALTER TABLE "Resource" ADD COLUMN "grant_keys" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];

-- The keys of one grant row; the subject columns are those of "PermissionGrant".
CREATE FUNCTION "grant_key"(permission text, subject_type "GrantSubject", user_id integer, group_id integer) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT permission || ':' || CASE subject_type
      WHEN 'anonymous' THEN 'anyone'
      WHEN 'user' THEN 'user:' || user_id
      WHEN 'group' THEN 'group:' || group_id
    END
  $$;

-- Rewrites the keys of the given resources from their grant rows.
CREATE FUNCTION "refresh_grant_keys"(resource_ids integer[]) RETURNS void
  LANGUAGE plpgsql
  AS $$
  BEGIN
    -- Lock the rows first (in id order, so two bulk changes cannot deadlock): the UPDATE below is a
    -- new statement with a new snapshot, so it reads the grants of any transaction that changed
    -- them and committed while this one waited, instead of overwriting their keys with older ones.
    PERFORM 1 FROM "Resource" WHERE id = ANY (resource_ids) ORDER BY id FOR UPDATE;
    UPDATE "Resource" r SET grant_keys = ARRAY(
      SELECT DISTINCT "grant_key"(g.permission, g.subject_type, g.user_id, g.group_id)
      FROM "PermissionGrant" g WHERE g.resource_id = r.id ORDER BY 1
    )
    WHERE r.id = ANY (resource_ids);
  END
  $$;

-- One trigger per event: transition tables need it, and they let a statement that writes many
-- grants (a perm_spec replaced, a user or group deleted) refresh each resource once.
CREATE FUNCTION "grants_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM "refresh_grant_keys"(ARRAY(SELECT DISTINCT resource_id FROM new_rows));
    RETURN NULL;
  END $$;
CREATE FUNCTION "grants_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM "refresh_grant_keys"(ARRAY(SELECT DISTINCT resource_id FROM old_rows));
    RETURN NULL;
  END $$;
CREATE FUNCTION "grants_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM "refresh_grant_keys"(ARRAY(SELECT resource_id FROM old_rows UNION SELECT resource_id FROM new_rows));
    RETURN NULL;
  END $$;

-- TRUNCATE fires no row or statement trigger of the other events.
CREATE FUNCTION "grants_truncated"() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE "Resource" SET grant_keys = ARRAY[]::TEXT[] WHERE grant_keys <> ARRAY[]::TEXT[];
    RETURN NULL;
  END $$;

CREATE TRIGGER "PermissionGrant_keys_insert" AFTER INSERT ON "PermissionGrant"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "grants_inserted"();
CREATE TRIGGER "PermissionGrant_keys_delete" AFTER DELETE ON "PermissionGrant"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "grants_deleted"();
CREATE TRIGGER "PermissionGrant_keys_update" AFTER UPDATE ON "PermissionGrant"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "grants_updated"();
CREATE TRIGGER "PermissionGrant_keys_truncate" AFTER TRUNCATE ON "PermissionGrant"
  FOR EACH STATEMENT EXECUTE FUNCTION "grants_truncated"();

-- The grants that exist already.
SELECT "refresh_grant_keys"(ARRAY(SELECT DISTINCT resource_id FROM "PermissionGrant"));

-- Lists that are not narrowed to one type: the grants arm of the permission OR joins the
-- modifier, organisation and owner indexes in a BitmapOr.
CREATE INDEX "Resource_grant_keys_idx" ON "Resource" USING GIN ("grant_keys");

-- Lists of one type: the count stays an index-only scan, testing every arm of the permission
-- filter, grants included, on the index entries.
DROP INDEX "Resource_type_created_at_id_listing_idx";
CREATE INDEX "Resource_type_created_at_id_listing_idx" ON "Resource" (type, created_at, id) INCLUDE (access_modifier, organisation_id, owner_id, grant_keys);
