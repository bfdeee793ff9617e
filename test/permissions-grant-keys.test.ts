import request from "supertest";
import type { Express } from "express";
import { accessibleResources, ANONYMOUS, defineAbilityFor, loadPrincipal, RESOURCE_ACTIONS, type Database, type Principal } from "@assets/core";
import { createTestApp, userWithKey } from "./helpers/app.js";

type GrantRow = { resource_id: number; subject_type: "user" | "group" | "anonymous"; user_id: number | null; group_id: number | null; permission: string };

/** The keys a resource's grant rows stand for, computed here from the rows, not by the database. */
function expectedKeys(grants: GrantRow[]): string[] {
  const subject = (g: GrantRow) => (g.subject_type === "anonymous" ? "anyone" : g.subject_type === "user" ? `user:${g.user_id}` : `group:${g.group_id}`);
  return [...new Set(grants.map((g) => `${g.permission}:${subject(g)}`))].sort();
}

/**
 * Every resource carries its explicit grants as keys (`Resource.grant_keys`,
 * kept by triggers on PermissionGrant), and permission filters test those.
 * The keys must follow every way grants change, at once and in the same
 * transaction, and the filters must allow exactly what the grant rows say.
 */
describe("grant keys on resources", () => {
  let db: Database;
  let app: Express;
  let org: number;
  let group: number;
  const users = {} as Record<"member" | "editor" | "admin" | "grantee" | "owner" | "outsider", { id: number; auth: Record<string, string> }>;
  const ids: number[] = [];

  /** Fails with the resources whose keys differ from their grant rows. */
  async function expectKeysMatchGrants() {
    const [resources, grants] = await Promise.all([
      db.prisma.resource.findMany({ select: { id: true, grant_keys: true }, orderBy: { id: "asc" } }),
      db.prisma.permissionGrant.findMany(),
    ]);
    const mismatched = resources
      .map((r) => ({ id: r.id, keys: [...r.grant_keys].sort(), expected: expectedKeys(grants.filter((g) => g.resource_id === r.id)) }))
      .filter((r) => JSON.stringify(r.keys) !== JSON.stringify(r.expected));
    expect(mismatched).toEqual([]);
  }

  beforeAll(async () => {
    ({ db, app } = await createTestApp());
    org = (await db.prisma.organisation.create({ data: { name: "Org" } })).id;
    const other = (await db.prisma.organisation.create({ data: { name: "Other" } })).id;
    group = (await db.prisma.group.create({ data: { name: "G" } })).id;
    const made = {
      member: await userWithKey(db, "member", { organisations: [{ id: org, role: "member" }], groups: [group] }),
      editor: await userWithKey(db, "editor", { organisations: [{ id: org, role: "editor" }, { id: other, role: "member" }] }),
      admin: await userWithKey(db, "admin", { organisations: [{ id: org, role: "admin" }, { id: other, role: "editor" }] }),
      grantee: await userWithKey(db, "grantee"),
      owner: await userWithKey(db, "owner"),
      outsider: await userWithKey(db, "outsider", { organisations: [{ id: other, role: "member" }] }),
    };
    for (const [name, m] of Object.entries(made)) users[name as keyof typeof users] = { id: m.user.id, auth: m.auth };

    // Every modifier in each organisation and in none, each with a different mix of grants.
    const modifiers = ["Public", "Common", "Private", "Hidden"] as const;
    const subjects = [
      { subject_type: "user" as const, user_id: users.grantee.id },
      { subject_type: "group" as const, group_id: group },
      { subject_type: "anonymous" as const },
    ];
    let n = 0;
    for (const organisation_id of [org, other, null]) {
      for (const access_modifier of modifiers) {
        const row = await db.prisma.resource.create({
          data: { type: "resource", name: `r${n}`, access_modifier, organisation_id, owner_id: n % 3 === 0 ? users.owner.id : null },
        });
        ids.push(row.id);
        const subject = subjects[n % subjects.length]!;
        const permissions = subject.subject_type === "anonymous" ? ["view", "download"] : [RESOURCE_ACTIONS[n % RESOURCE_ACTIONS.length]!, "view"];
        await db.prisma.permissionGrant.createMany({ data: [...new Set(permissions)].map((permission) => ({ resource_id: row.id, ...subject, permission })) });
        n++;
      }
    }
  });
  afterAll(async () => {
    await db.close();
  });

  async function allowedIds(where: object) {
    const rows = await db.prisma.resource.findMany({ where: { AND: [{ id: { in: ids } }, where] }, select: { id: true } });
    return rows.map((r) => r.id).sort((a, b) => a - b);
  }

  /** The same rules with grants read from the grants table (the relation), as an independent form of the filter. */
  function throughGrantRows(principal: Principal, action: (typeof RESOURCE_ACTIONS)[number]): object {
    const keyed = accessibleResources(defineAbilityFor(principal), action);
    const subjects: object[] = [{ subject_type: "anonymous" }];
    if (principal.kind === "user") {
      subjects.push({ subject_type: "user", user_id: principal.id });
      if (principal.groupIds.length) subjects.push({ subject_type: "group", group_id: { in: principal.groupIds } });
    }
    const rewrite = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(rewrite);
      if (typeof node !== "object" || node === null) return node;
      if ("grant_keys" in node) return { grants: { some: { permission: action, OR: subjects } } };
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, rewrite(v)]));
    };
    return rewrite(keyed) as object;
  }

  it("keys every resource's grants as its grant rows say, after inserts one by one and in bulk", async () => {
    await expectKeysMatchGrants();
    const keyed = await db.prisma.resource.count({ where: { id: { in: ids }, NOT: { grant_keys: { isEmpty: true } } } });
    expect(keyed).toBe(ids.length);
  });

  it("allows exactly what the grant rows allow, for every caller and action", async () => {
    const principals: [string, Principal][] = [["anonymous", ANONYMOUS]];
    for (const [name, user] of Object.entries(users)) principals.push([name, (await loadPrincipal(db.prisma, { id: user.id }))!]);
    principals.push(["read-only grantee", (await loadPrincipal(db.prisma, { id: users.grantee.id }, ["read"]))!]);
    let nonEmpty = 0;
    for (const [name, principal] of principals) {
      for (const action of RESOURCE_ACTIONS) {
        const keyed = accessibleResources(defineAbilityFor(principal), action);
        expect(JSON.stringify(keyed)).not.toContain('"grants"');
        const expected = await allowedIds(throughGrantRows(principal, action));
        if (expected.length > 0) nonEmpty++;
        expect({ name, action, ids: await allowedIds(keyed) }).toEqual({ name, action, ids: expected });
      }
    }
    expect(nonEmpty).toBeGreaterThan(20);
  });

  it("a listing's writable flags, decided on the rows, match what the database allows for change", async () => {
    let writableSeen = 0;
    for (const [name, user] of [["anonymous", null] as const, ...Object.entries(users)]) {
      const res = await request(app)
        .get("/resources?filter[fields][access_modifier][in]=Public,Common,Private,Hidden&page[limit]=100")
        .set(user ? user.auth : {});
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain("grant_keys");
      const principal = user ? (await loadPrincipal(db.prisma, { id: user.id }))! : ANONYMOUS;
      const changeable = new Set(await allowedIds(accessibleResources(defineAbilityFor(principal), "change")));
      const listed = res.body.data as { id: string; attributes: { writable: boolean } }[];
      expect(listed.length).toBeGreaterThan(0);
      for (const row of listed) {
        expect({ name, id: row.id, writable: row.attributes.writable }).toEqual({ name, id: row.id, writable: changeable.has(Number(row.id)) });
        if (row.attributes.writable) writableSeen++;
      }
    }
    expect(writableSeen).toBeGreaterThan(5);
  });

  it("a perm_spec change shows in the caller's next request, granted and revoked", async () => {
    const resource = await db.prisma.resource.create({ data: { type: "resource", name: "fresh", access_modifier: "Private", owner_id: users.owner.id } });
    const listed = async () => {
      const res = await request(app).get("/resources?filter[fields][name][eq]=fresh").set(users.outsider.auth);
      expect(res.status).toBe(200);
      return res.body.meta.total_count as number;
    };
    expect((await request(app).get(`/resources/${resource.id}`).set(users.outsider.auth)).status).toBe(404);
    expect(await listed()).toBe(0);

    const put = await request(app).put(`/resources/${resource.id}/permissions`).set(users.owner.auth).send({ users: { outsider: ["view_resourcebase", "change_resourcebase"] }, groups: {} });
    expect(put.status).toBe(200);
    const seen = await request(app).get(`/resources/${resource.id}`).set(users.outsider.auth);
    expect(seen.status).toBe(200);
    expect(seen.body.data.attributes.writable).toBe(true);
    expect(await listed()).toBe(1);
    await expectKeysMatchGrants();

    expect((await request(app).put(`/resources/${resource.id}/permissions`).set(users.owner.auth).send({ users: {}, groups: {} })).status).toBe(200);
    expect((await request(app).get(`/resources/${resource.id}`).set(users.outsider.auth)).status).toBe(404);
    expect(await listed()).toBe(0);
    await expectKeysMatchGrants();
  });

  it("follows grants that are updated, and grants removed with their user, group or resource", async () => {
    const [a, b] = await Promise.all([
      db.prisma.resource.create({ data: { type: "resource", name: "moved-from", access_modifier: "Private" } }),
      db.prisma.resource.create({ data: { type: "resource", name: "moved-to", access_modifier: "Private" } }),
    ]);
    const leaving = await userWithKey(db, "leaving");
    const doomed = (await db.prisma.group.create({ data: { name: "doomed" } })).id;
    await db.prisma.permissionGrant.createMany({
      data: [
        { resource_id: a.id, subject_type: "user", user_id: leaving.user.id, permission: "view" },
        { resource_id: a.id, subject_type: "group", group_id: doomed, permission: "change" },
        { resource_id: b.id, subject_type: "anonymous", permission: "download" },
      ],
    });
    await expectKeysMatchGrants();

    await db.prisma.permissionGrant.updateMany({ where: { resource_id: a.id, subject_type: "group" }, data: { resource_id: b.id, permission: "delete" } });
    await expectKeysMatchGrants();
    expect((await db.prisma.resource.findUniqueOrThrow({ where: { id: b.id } })).grant_keys.sort()).toEqual(["delete:group:" + doomed, "download:anyone"]);

    await db.prisma.user.delete({ where: { id: leaving.user.id } });
    await db.prisma.group.delete({ where: { id: doomed } });
    await expectKeysMatchGrants();
    expect((await db.prisma.resource.findUniqueOrThrow({ where: { id: a.id } })).grant_keys).toEqual([]);
    expect((await db.prisma.resource.findUniqueOrThrow({ where: { id: b.id } })).grant_keys).toEqual(["download:anyone"]);

    await db.prisma.resource.delete({ where: { id: b.id } });
    expect(await db.prisma.permissionGrant.count({ where: { resource_id: b.id } })).toBe(0);
    await db.prisma.resource.delete({ where: { id: a.id } });
  });

  it("a grant written in a transaction that rolls back leaves no key", async () => {
    const resource = await db.prisma.resource.create({ data: { type: "resource", name: "rolled-back", access_modifier: "Private" } });
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.permissionGrant.create({ data: { resource_id: resource.id, subject_type: "user", user_id: users.outsider.id, permission: "view" } });
        expect((await tx.resource.findUniqueOrThrow({ where: { id: resource.id } })).grant_keys).toEqual([`view:user:${users.outsider.id}`]);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect((await db.prisma.resource.findUniqueOrThrow({ where: { id: resource.id } })).grant_keys).toEqual([]);
    await db.prisma.resource.delete({ where: { id: resource.id } });
  });

  // Two connections are needed to interleave transactions; PGlite has one.
  (process.env.DATABASE_URL ? it : it.skip)("keeps both grants when two transactions grant on the same resource at once", async () => {
    const resource = await db.prisma.resource.create({ data: { type: "resource", name: "contended", access_modifier: "Private" } });
    let inserted!: () => void;
    let mayCommit!: () => void;
    const firstInserted = new Promise<void>((resolve) => (inserted = resolve));
    const firstMayCommit = new Promise<void>((resolve) => (mayCommit = resolve));
    const first = db.prisma.$transaction(async (tx) => {
      await tx.permissionGrant.create({ data: { resource_id: resource.id, subject_type: "user", user_id: users.grantee.id, permission: "view" } });
      inserted();
      await firstMayCommit;
    });
    await firstInserted;
    // The second grant waits for the first transaction's lock on the resource; it commits meanwhile.
    const second = db.prisma.permissionGrant.create({ data: { resource_id: resource.id, subject_type: "user", user_id: users.outsider.id, permission: "view" } });
    setTimeout(mayCommit, 300);
    await Promise.all([first, second]);
    expect((await db.prisma.resource.findUniqueOrThrow({ where: { id: resource.id } })).grant_keys.sort()).toEqual([`view:user:${users.grantee.id}`, `view:user:${users.outsider.id}`].sort());
    await db.prisma.resource.delete({ where: { id: resource.id } });
  });

  it("a caller granted hundreds of resources sees each of them, with a filter of a few keys", async () => {
    const many = await userWithKey(db, "many");
    const count = 250;
    await db.prisma.resource.createMany({ data: Array.from({ length: count }, (_, i) => ({ type: "bulk", name: `bulk${i}`, access_modifier: "Private" as const })) });
    const bulk = await db.prisma.resource.findMany({ where: { type: "bulk" }, select: { id: true } });
    await db.prisma.permissionGrant.createMany({ data: bulk.map((r) => ({ resource_id: r.id, subject_type: "user" as const, user_id: many.user.id, permission: "view" })) });
    await expectKeysMatchGrants();

    const principal = (await loadPrincipal(db.prisma, { id: many.user.id }))!;
    expect(JSON.stringify(accessibleResources(defineAbilityFor(principal), "view")).length).toBeLessThan(400);
    const res = await request(app).get("/resources?filter[fields][type][eq]=bulk&page[limit]=1").set(many.auth);
    expect(res.status).toBe(200);
    expect(res.body.meta.total_count).toBe(count);
    await db.prisma.resource.deleteMany({ where: { type: "bulk" } });
  });
});
