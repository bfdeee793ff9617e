-- Permission-filtered resource lists (bench/list-permissions.ts, BENCHMARKS.md).

-- 1. Enum values without a per-row cost. Prisma sends every enum value as
--    CAST($n::text AS "AccessModifier"). With no cast from text defined, PostgreSQL
--    coerces through enum_in, which is STABLE: the planner never folds it, so in a
--    filter it runs again for every row (about half of an unrestricted count over
--    80,000 rows, more in the OR of a permission filter), and row estimates and
--    partial-index predicates cannot use the value. This explicit cast maps the four
--    labels through an IMMUTABLE function, which the planner folds into a constant
--    ('Hidden'::"AccessModifier"). Any other text still goes through enum_in, with the
--    same error for an unknown label; NULL stays NULL. A label added later works
--    through that path; renaming one needs this function updated.
CREATE OR REPLACE FUNCTION "access_modifier_from_text"(label text) RETURNS "AccessModifier"
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT CASE label
      WHEN 'Public' THEN 'Public'::"AccessModifier"
      WHEN 'Common' THEN 'Common'::"AccessModifier"
      WHEN 'Private' THEN 'Private'::"AccessModifier"
      WHEN 'Hidden' THEN 'Hidden'::"AccessModifier"
      ELSE label::varchar::"AccessModifier"
    END
  $$;
CREATE CAST (text AS "AccessModifier") WITH FUNCTION "access_modifier_from_text"(text);

-- 2. Lists of one type (every plugin's own API, `filter[fields][type]`), newest first:
--    the page is a backward scan in (created_at, id) order, and the count an index-only
--    scan that tests the permission filter (modifier, organisation, owner, id) on the
--    index entries instead of the table rows.
CREATE INDEX "Resource_type_created_at_id_listing_idx" ON "Resource" (type, created_at, id) INCLUDE (access_modifier, organisation_id, owner_id);
