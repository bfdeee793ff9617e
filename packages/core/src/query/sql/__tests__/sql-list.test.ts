import fc from "fast-check";
import { accessibleResources } from "../../../access/accessible.js";
import { defineAbilityFor } from "../../../access/ability.js";
import type { Principal } from "../../../auth/principal.js";
import type { Database } from "../../../db/open-database.js";
import type { Prisma } from "../../../generated/prisma/client.js";
import { RESOURCE_FIELDS } from "../../../resources/resource-fields.js";
import { RESOURCE_RELATIONS } from "../../../resources/resource-service.js";
import { createTestDatabase } from "../../../testing/test-database.js";
import { compileListQuery } from "../../compile-prisma.js";
import { parseJsonApiQuery } from "../../jsonapi-dialect.js";
import { listPage } from "../../list-page.js";
import { sqlListPage } from "../sql-list.js";

/**
 * The SQL list path under `listPage` against Prisma itself, the independent
 * truth: for random JSON:API list queries and random callers, the page (rows
 * with their relations, in order) and the total are what Prisma's
 * `findMany` + `count` return for the same compiled arguments. And counts
 * stay exact across writes, rollbacks and deletes while they are remembered.
 */

const NAMES = ["Elevation Rotterdam", "Rainfall utrecht", "land_use 50%", "Soil \\ moisture", "Flood depth", "temperature ROTTERDAM"];

const conditionArb = fc.oneof(
  fc.constantFrom("name", "description", "organisation.name", "owner.username").chain((field) =>
    fc.tuple(fc.constantFrom("contains", "starts_with", "ends_with", "eq", "neq"), fc.constantFrom("rotterdam", "Rotterdam", "50%", "\\", "_", "a", "Flood depth", "org 1", "user1")).map(
      ([op, value]) => `filter[fields][${field}][${op}]=${encodeURIComponent(value)}`,
    ),
  ),
  fc.constantFrom("raster", "vector", "raster,vector").map((v) => `filter[fields][type][${v.includes(",") ? "in" : "eq"}]=${v}`),
  fc.constantFrom("Public", "Private", "Hidden", "Common,Hidden").map((v) => `filter[fields][access_modifier][${v.includes(",") ? "not_in" : "neq"}]=${v}`),
  fc.constantFrom("gte", "lt").chain((op) => fc.integer({ min: 0, max: 40 }).map((m) => `filter[fields][created_at][${op}]=${new Date(Date.UTC(2024, 0, 1, 0, m)).toISOString()}`)),
  fc.constantFrom("all_in]=a,b", "contains]=b", "exists]=false", "exists]=true", "in]=c,a").map((t) => `filter[fields][tags][${t}`),
  fc.constantFrom("exists]=true", "exists]=false").map((t) => `filter[fields][organisation.id][${t}`),
  fc.constantFrom("rotterdam elevation", '"flood depth"', "50%", "ROTTERDAM").map((t) => `filter[query]=${encodeURIComponent(t)}`),
);

const queryArb = fc.record({
  // One value per parameter, as a query string would carry it.
  conditions: fc.uniqueArray(conditionArb, { selector: (c) => c.slice(0, c.indexOf("=")), maxLength: 3 }),
  sort: fc.constantFrom("", "order_by=name_ASC", "order_by=created_at_DESC", "order_by=organisation.name_ASC", "order_by=owner.username_DESC", "order_by=type_ASC"),
  offset: fc.constantFrom(0, 0, 3, 25),
  limit: fc.constantFrom(1, 5, 30),
});

const principalArb = fc.oneof(
  fc.constant<Principal>({ kind: "anonymous" }),
  fc.record({
    superuser: fc.boolean(),
    orgs: fc.uniqueArray(fc.record({ organisationId: fc.integer({ min: 1, max: 3 }), role: fc.constantFrom("member", "editor", "admin") }), { selector: (m) => m.organisationId, maxLength: 2 }),
    groups: fc.uniqueArray(fc.integer({ min: 1, max: 2 }), { maxLength: 2 }),
    user: fc.integer({ min: 1, max: 3 }),
  }).map(
    (p): Principal => ({
      kind: "user",
      id: p.user,
      username: `user${p.user}`,
      isSuperuser: p.superuser,
      scopes: [],
      organisations: p.orgs.map((m) => ({ organisationId: m.organisationId, role: m.role as "member" | "editor" | "admin" })),
      groupIds: p.groups,
    }),
  ),
);

describe("the SQL list path", () => {
  let db: Database;

  beforeAll(async () => {
    db = await createTestDatabase();
    const p = db.prisma;
    for (let i = 1; i <= 3; i++) await p.organisation.create({ data: { name: `Org ${i}` } });
    for (let i = 1; i <= 3; i++) await p.user.create({ data: { username: `user${i}` } });
    for (let i = 0; i < 40; i++) {
      await p.resource.create({
        data: {
          type: ["raster", "vector", "document"][i % 3]!,
          name: `${NAMES[i % NAMES.length]} ${i}`,
          description: i % 4 === 0 ? "" : `run ${i % 7}`,
          organisation_id: i % 5 === 0 ? null : 1 + (i % 3),
          owner_id: i % 6 === 0 ? null : 1 + (i % 3),
          access_modifier: (["Public", "Common", "Private", "Hidden"] as const)[i % 4],
          tags: [[], ["a"], ["a", "b"], ["c"]][i % 4],
          grant_keys: i % 7 === 0 ? ["view:anyone"] : i % 5 === 1 ? ["view:group:1", "change:user:2"] : [],
          created_at: new Date(Date.UTC(2024, 0, 1, 0, i)),
          // Equal names on some rows: the tie-breaker decides their order.
          ...(i % 9 === 0 ? { name: "Same name" } : {}),
        },
      });
    }
  }, 300_000);

  afterAll(async () => {
    await db?.close();
  });

  it("answers what Prisma answers for random queries and callers", async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, principalArb, async (q, principal) => {
        const params = new URLSearchParams([...q.conditions, q.sort, `page[offset]=${q.offset}`, `page[limit]=${q.limit}`].filter(Boolean).join("&"));
        const query = parseJsonApiQuery(params, { fields: RESOURCE_FIELDS, defaultSort: [{ field: "created_at", direction: "desc" }] });
        const permission = accessibleResources(defineAbilityFor(principal), "view");
        const sqlPath = await listPage(db.prisma.resource, query, { fields: RESOURCE_FIELDS, where: [permission], include: RESOURCE_RELATIONS });

        const compiled = compileListQuery(RESOURCE_FIELDS, query);
        const where = { AND: [compiled.where, permission] } as Prisma.ResourceWhereInput;
        const args = { where, orderBy: compiled.orderBy as Prisma.ResourceOrderByWithRelationInput[], skip: compiled.skip, take: compiled.take };
        // The SQL path itself served it (listPage would quietly ask Prisma for a shape it does not compile).
        expect(await sqlListPage(db.prisma.resource, { ...args, include: RESOURCE_RELATIONS })).toEqual(sqlPath);
        const [rows, total] = await Promise.all([db.prisma.resource.findMany({ ...args, include: RESOURCE_RELATIONS }), db.prisma.resource.count({ where })]);
        expect(sqlPath.total).toBe(total);
        expect(sqlPath.rows).toEqual(rows);
      }),
      { numRuns: 150 },
    );
  }, 300_000);

  it("gives Prisma's values for every column type (bigints past 2^53, dates, JSON, nested selects)", async () => {
    const resource = await db.prisma.resource.create({ data: { type: "raster", name: "typed", extra_metadata: { nested: { a: [1, 2.5, null, "x"] } } } });
    const size = 2n ** 62n + 3n;
    await db.prisma.upload.create({ data: { filename: "big.tif", size, resource_id: resource.id, state: "committed", metadata: { k: 1 } } });
    const query = parseJsonApiQuery(new URLSearchParams("filter[fields][filename][eq]=big.tif"), { fields: { filename: { type: "string", path: ["filename"] } } });
    const include = { resource: { select: { uuid: true, name: true, organisation: { select: { name: true } } } } } as const;
    const sqlPath = await listPage(db.prisma.upload, query, { fields: { filename: { type: "string", path: ["filename"] } }, include });
    expect(await sqlListPage(db.prisma.upload, { where: { filename: "big.tif" }, orderBy: [{ id: "asc" }], skip: 0, take: 10, include })).toEqual(sqlPath);
    const prisma = await db.prisma.upload.findMany({ where: { filename: "big.tif" }, include, orderBy: { id: "asc" } });
    expect(sqlPath.rows).toEqual(prisma);
    expect(sqlPath.rows[0]!.size).toBe(size);
    expect(sqlPath.rows[0]!.created_at).toBeInstanceOf(Date);
  });

  it("keeps remembered counts exact across inserts, updates, deletes and rollbacks", async () => {
    const fields = RESOURCE_FIELDS;
    const query = parseJsonApiQuery(new URLSearchParams("filter[fields][name][contains]=counted&page[limit]=1"), { fields });
    const count = async () => (await listPage(db.prisma.resource, query, { fields })).total;
    expect(await count()).toBe(0);
    expect(await count()).toBe(0); // remembered: same generation
    const created = await db.prisma.resource.create({ data: { type: "raster", name: "counted 1" } });
    expect(await count()).toBe(1);
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.resource.create({ data: { type: "raster", name: "counted 2" } });
        // Inside the transaction the list (through Prisma's raw query) sees its own write.
        expect((await listPage(tx.resource, query, { fields })).total).toBe(2);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await count()).toBe(1);
    await db.prisma.resource.update({ where: { id: created.id }, data: { name: "renamed" } });
    expect(await count()).toBe(0);
    await db.prisma.resource.createMany({ data: [1, 2, 3].map((i) => ({ type: "raster", name: `counted ${i}` })) });
    expect(await count()).toBe(3);
    await db.prisma.resource.deleteMany({ where: { name: { startsWith: "counted" } } });
    expect(await count()).toBe(0);
    // A filter through a relation changes with the related table too.
    const viaOrg = parseJsonApiQuery(new URLSearchParams("filter[fields][organisation.name][eq]=Renamed org"), { fields });
    const before = (await listPage(db.prisma.resource, viaOrg, { fields })).total;
    await db.prisma.organisation.update({ where: { id: 1 }, data: { name: "Renamed org" } });
    expect(before).toBe(0);
    expect((await listPage(db.prisma.resource, viaOrg, { fields })).total).toBe(await db.prisma.resource.count({ where: { organisation_id: 1 } }));
  });
});
