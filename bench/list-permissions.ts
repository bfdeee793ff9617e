/**
 * Permission-filtered listing against PostgreSQL: 100,000 resources, 1,000
 * grants, 50 organisations. Measures a page of 30 through
 * `ResourceService.list` as anonymous, an organisation member (also in a
 * group with grants), an organisation admin and a superuser, next to the
 * same query with no permission filter at all; for a filtered page and for
 * the default listing; with the database's JIT setting (off, by migration
 * `*_jit_off_for_permission_filters`) and, with `--jit-on`, JIT forced on.
 * Each timed call builds the caller's ability first, as every HTTP request
 * does (the principal itself comes from the key cache there, so from memory).
 *
 *   node --import tsx bench/list-permissions.ts [--iterations 200] [--keep | --reuse] [--jit-on]
 *
 * Needs PostgreSQL at BENCH_DATABASE_URL (default postgresql://root@127.0.0.1:5432/postgres);
 * (re)creates the database `assets_bench_perm`.
 */
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { BenchDatabase } from "./bench-database.js";
import { pino } from "pino";
import {
  ANONYMOUS,
  compileListQuery,
  defaultMigrationsDir,
  defineAbilityFor,
  loadPrincipal,
  migrate,
  openDatabase,
  parseJsonApiQuery,
  Prisma,
  RESOURCE_FIELDS,
  RESOURCE_RELATIONS,
  ResourceService,
  type Database,
  type ListOptions,
  type ListQuery,
  type Principal,
  type ServiceContext,
} from "@assets/core";

const { values: args } = parseArgs({
  options: {
    iterations: { type: "string", default: "200" },
    // Keep the database afterwards; `--reuse` then measures it again without seeding.
    keep: { type: "boolean", default: false },
    reuse: { type: "boolean", default: false },
    // Also measure with JIT forced on, i.e. the state before the jit_off migration.
    "jit-on": { type: "boolean", default: false },
  },
});
const ITERATIONS = Number(args.iterations);
const WARMUP = 20;
const BENCH_DB = new BenchDatabase("assets_bench_perm");

// Deterministic pseudo-random data straight in SQL: hashtext() of the row number stands in for a seeded RNG.
const SEED_SQL = `
INSERT INTO "Organisation" (uuid, name) SELECT gen_random_uuid(), 'org ' || g FROM generate_series(1, 50) g;
INSERT INTO "User" (uuid, username, is_superuser) SELECT gen_random_uuid(), 'user' || g, g = 1 FROM generate_series(1, 2000) g;
INSERT INTO "OrganisationMembership" (user_id, organisation_id, role)
  SELECT u, 1 + (u % 50), (CASE WHEN u % 40 = 0 THEN 'admin' WHEN u % 10 = 0 THEN 'editor' ELSE 'member' END)::"Role"
  FROM generate_series(2, 2000) u;
INSERT INTO "Group" (name, organisation_id) SELECT 'group ' || g, 1 + (g % 50) FROM generate_series(1, 40) g;
INSERT INTO "GroupMembership" (user_id, group_id) SELECT u, 1 + (u % 40) FROM generate_series(2, 2000) u;
INSERT INTO "Resource" (uuid, type, name, description, organisation_id, owner_id, access_modifier, tags, created_at, updated_at)
  SELECT gen_random_uuid(), (ARRAY['raster', 'vector', 'document'])[1 + abs(hashtext('t' || g)) % 3],
         'resource ' || g, 'description of resource ' || g,
         CASE WHEN g % 20 = 0 THEN NULL ELSE 1 + abs(hashtext('o' || g)) % 50 END,
         2 + abs(hashtext('u' || g)) % 1999,
         (ARRAY['Public', 'Common', 'Private', 'Private', 'Hidden'])[1 + abs(hashtext('a' || g)) % 5]::"AccessModifier",
         ARRAY['tag' || (g % 10)],
         timestamp '2024-01-01' + (g || ' minutes')::interval,
         timestamp '2024-01-01' + (g || ' minutes')::interval
  FROM generate_series(1, 100000) g;
INSERT INTO "PermissionGrant" (resource_id, subject_type, user_id, group_id, permission)
  SELECT DISTINCT ON (resource_id, subject_type, user_id, group_id, permission) * FROM (
    SELECT 1 + abs(hashtext('r' || g)) % 100000 AS resource_id,
           (CASE WHEN g % 10 < 5 THEN 'user' WHEN g % 10 < 9 THEN 'group' ELSE 'anonymous' END)::"GrantSubject" AS subject_type,
           CASE WHEN g % 10 < 5 THEN 2 + abs(hashtext('gu' || g)) % 1999 END AS user_id,
           CASE WHEN g % 10 BETWEEN 5 AND 8 THEN 1 + abs(hashtext('gg' || g)) % 40 END AS group_id,
           (ARRAY['view', 'view', 'download', 'change'])[1 + abs(hashtext('p' || g)) % 4] AS permission
    FROM generate_series(1, 1000) g) grants;
`;

/** The pages every caller asks for: one type in a date range, and the default listing; newest first, 30 rows. */
const QUERIES = {
  filtered: "filter[fields][type][eq]=raster&filter[fields][created_at][gte]=2024-02-01&order_by=created_at_DESC&page[limit]=30&page[offset]=60",
  default: "page[limit]=30",
};
const LIST_OPTIONS: ListOptions = { fields: RESOURCE_FIELDS, defaultSort: [{ field: "created_at", direction: "desc" }] };

type Scenario = { name: string; run: () => Promise<number> };

function context(db: Database, principal: Principal, log: pino.Logger): ServiceContext {
  return { db: db.prisma, principal, ability: defineAbilityFor(principal), log };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The same page with no permission filter: what the database does for the query alone. */
function unrestrictedList(db: Database, query: ListQuery) {
  const compiled = compileListQuery(RESOURCE_FIELDS, query);
  const where: Prisma.ResourceWhereInput = { AND: [compiled.where as Prisma.ResourceWhereInput, { access_modifier: { not: "Hidden" } }] };
  return async () => {
    const [rows] = await Promise.all([
      db.prisma.resource.findMany({ where, orderBy: compiled.orderBy as Prisma.ResourceOrderByWithRelationInput[], skip: compiled.skip, take: compiled.take, include: RESOURCE_RELATIONS }),
      db.prisma.resource.count({ where }),
    ]);
    return rows.length;
  };
}

async function measure(db: Database, queryText: string, log: pino.Logger): Promise<string[]> {
  const service = new ResourceService({ fields: RESOURCE_FIELDS });
  const query = parseJsonApiQuery(new URLSearchParams(queryText), LIST_OPTIONS);
  const principal = async (username: string) => (await loadPrincipal(db.prisma, { username }))!;
  // Per request, as the router does: the ability is built from the (cached) principal.
  const listAs = (who: Principal) => async () => {
    const ctx = context(db, who, log);
    return (await service.list(ctx, query)).rows.length;
  };
  const scenarios: Scenario[] = [
    { name: "unrestricted (no permission filter)", run: unrestrictedList(db, query) },
    { name: "superuser", run: listAs(await principal("user1")) },
    { name: "anonymous", run: listAs(ANONYMOUS) },
    // user11: member of one organisation and of one group that holds grants.
    { name: "organisation member (+ group grants)", run: listAs(await principal("user11")) },
    { name: "organisation admin", run: listAs(await principal("user40")) },
  ];

  const timings = new Map<string, number[]>(scenarios.map((s) => [s.name, []]));
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    // Round-robin, so drift (autovacuum, caches, neighbours on the machine) hits every scenario alike.
    for (const scenario of scenarios) {
      const t0 = performance.now();
      const rows = await scenario.run();
      const ms = performance.now() - t0;
      if (rows !== 30) throw new Error(`${scenario.name}: expected a full page, got ${rows}`);
      if (i >= WARMUP) timings.get(scenario.name)!.push(ms);
    }
  }
  const baseline = percentile([...timings.get(scenarios[0]!.name)!].sort((a, b) => a - b), 50);
  return [...timings].map(([name, list]) => {
    const sorted = [...list].sort((a, b) => a - b);
    const p50 = percentile(sorted, 50);
    return `| ${name} | ${p50.toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${(p50 / baseline).toFixed(2)}x |`;
  });
}

async function main() {
  const log = pino({ level: "silent" });
  const started = performance.now();
  const seeded = args.reuse ? await openDatabase({ url: BENCH_DB.url() }) : await BENCH_DB.recreate();
  if (args.reuse) {
    // Migrations added since the database was seeded (e.g. indexes) apply here, then fresh statistics.
    if ((await migrate(seeded, defaultMigrationsDir)).length > 0) await seeded.execScript("VACUUM ANALYZE");
  } else {
    await seeded.execScript(SEED_SQL);
    // Steady state, as autovacuum leaves it: statistics and a visibility map (index-only probes of grants).
    await seeded.execScript("VACUUM ANALYZE");
  }
  const counts = await seeded.prisma.$queryRawUnsafe<{ resources: bigint; grants: bigint; organisations: bigint }[]>(
    `SELECT (SELECT count(*) FROM "Resource") AS resources, (SELECT count(*) FROM "PermissionGrant") AS grants, (SELECT count(*) FROM "Organisation") AS organisations`,
  );
  await seeded.close();
  console.log(`${args.reuse ? "reused" : "seeded"} in ${((performance.now() - started) / 1000).toFixed(1)} s:`, Object.fromEntries(Object.entries(counts[0]!).map(([k, v]) => [k, Number(v)])));
  console.log(`${ITERATIONS} iterations after ${WARMUP} warm-up, round-robin; ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), node ${process.version}`);

  // The jit_off migration turns JIT off for the database; `-c jit=on` on the connection shows the state before it.
  const passes: [string, string | undefined][] = [["database setting (after the migration)", undefined]];
  if (args["jit-on"]) passes.unshift(["jit forced on (before the jit_off migration)", "-c jit=on"]);
  for (const [label, options] of passes) {
    const db = await openDatabase({ url: BENCH_DB.url(options) });
    const [{ jit, version }] = await db.prisma.$queryRawUnsafe<{ jit: string; version: string }[]>("SELECT current_setting('jit') AS jit, version() AS version");
    for (const [name, queryText] of Object.entries(QUERIES)) {
      console.log(`\n${label}, ${name} page (jit=${jit}; ${version.split(" on ")[0]})\n\`${queryText}\`\n`);
      console.log("| caller | p50 ms | p99 ms | p50 vs unrestricted |\n|---|---:|---:|---:|");
      for (const line of await measure(db, queryText, log)) console.log(line);
    }
    await db.close();
  }

  if (!args.keep && !args.reuse) await BENCH_DB.drop();
}

await main();
