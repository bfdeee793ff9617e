import request from "supertest";
import type { Express } from "express";
import {
  accessibleResources,
  ANONYMOUS,
  defineAbilityFor,
  loadPrincipal,
  MAX_RESOLVED_GRANTS,
  RESOURCE_ACTIONS,
  resolveGrants,
  type Database,
  type Principal,
} from "@assets/core";
import { createTestApp, userWithKey } from "./helpers/app.js";

/**
 * Grants resolved once per request (`resolveGrants`, used by authentication)
 * turn the grants subquery into `id IN (...)`. The resolved ability must allow
 * exactly what the subquery form allows, a perm_spec write must show in the
 * very next request, and a caller with too many grants keeps the subquery.
 */
describe("grants resolved per request", () => {
  let db: Database;
  let app: Express;
  let org: number;
  let group: number;
  const users = {} as Record<"member" | "editor" | "admin" | "grantee" | "owner" | "outsider", { id: number; auth: Record<string, string> }>;
  const ids: number[] = [];

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

  async function allowedIds(principal: Principal, action: (typeof RESOURCE_ACTIONS)[number]) {
    const rows = await db.prisma.resource.findMany({ where: { AND: [{ id: { in: ids } }, accessibleResources(defineAbilityFor(principal), action)] }, select: { id: true } });
    return rows.map((r) => r.id).sort((a, b) => a - b);
  }

  it("allows exactly what the grants subquery allows, for every caller and action", async () => {
    const principals: [string, Principal][] = [["anonymous", ANONYMOUS]];
    for (const [name, user] of Object.entries(users)) principals.push([name, (await loadPrincipal(db.prisma, { id: user.id }))!]);
    principals.push(["read-only grantee", (await loadPrincipal(db.prisma, { id: users.grantee.id }, ["read"]))!]);
    let nonEmpty = 0;
    for (const [name, principal] of principals) {
      const resolved = await resolveGrants(db.prisma, principal);
      expect(resolved.grants).toBeDefined();
      for (const action of RESOURCE_ACTIONS) {
        // The resolved filter never reaches into the grants table.
        expect(JSON.stringify(accessibleResources(defineAbilityFor(resolved), action))).not.toContain('"grants"');
        const expected = await allowedIds(principal, action);
        if (expected.length > 0) nonEmpty++;
        expect({ name, action, ids: await allowedIds(resolved, action) }).toEqual({ name, action, ids: expected });
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
      const principal = user ? (await loadPrincipal(db.prisma, { id: user.id }))! : ANONYMOUS;
      const changeable = new Set(await allowedIds(principal, "change"));
      const listed = res.body.data as { id: string; attributes: { writable: boolean } }[];
      expect(listed.length).toBeGreaterThan(0);
      for (const row of listed) {
        expect({ name, id: row.id, writable: row.attributes.writable }).toEqual({ name, id: row.id, writable: changeable.has(Number(row.id)) });
        if (row.attributes.writable) writableSeen++;
      }
    }
    expect(writableSeen).toBeGreaterThan(5);
  });

  it("a read-scoped key resolves only view and download", async () => {
    const resolved = await resolveGrants(db.prisma, (await loadPrincipal(db.prisma, { id: users.grantee.id }, ["read"]))!);
    expect(Object.keys(resolved.grants ?? {}).sort()).toEqual(["download", "view"]);
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

    expect((await request(app).put(`/resources/${resource.id}/permissions`).set(users.owner.auth).send({ users: {}, groups: {} })).status).toBe(200);
    expect((await request(app).get(`/resources/${resource.id}`).set(users.outsider.auth)).status).toBe(404);
    expect(await listed()).toBe(0);
  });

  it("beyond MAX_RESOLVED_GRANTS resources for an action the caller keeps the subquery for it and still sees every granted resource", async () => {
    const many = await userWithKey(db, "many");
    const count = MAX_RESOLVED_GRANTS + 1;
    await db.prisma.resource.createMany({ data: Array.from({ length: count }, (_, i) => ({ type: "bulk", name: `bulk${i}`, access_modifier: "Private" as const })) });
    const bulk = await db.prisma.resource.findMany({ where: { type: "bulk" }, select: { id: true } });
    await db.prisma.permissionGrant.createMany({ data: bulk.map((r) => ({ resource_id: r.id, subject_type: "user" as const, user_id: many.user.id, permission: "view" })) });

    const principal = (await loadPrincipal(db.prisma, { id: many.user.id }))!;
    const resolved = await resolveGrants(db.prisma, principal);
    expect(resolved.grants?.view).toBeUndefined();
    expect(resolved.grants?.download).toBeDefined();
    expect(JSON.stringify(accessibleResources(defineAbilityFor(resolved), "view"))).toContain('"grants"');
    const res = await request(app).get("/resources?filter[fields][type][eq]=bulk&page[limit]=1").set(many.auth);
    expect(res.status).toBe(200);
    expect(res.body.meta.total_count).toBe(count);
    await db.prisma.resource.deleteMany({ where: { type: "bulk" } });
  });
});
