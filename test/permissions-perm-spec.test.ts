import request from "supertest";
import type { Express } from "express";
import type { Database } from "@assets/core";
import { createTestApp, userWithKey } from "./helpers/app.js";

/** GeoNode's perm_spec at /resources/:id/permissions, in both of its shapes. */
describe("perm_spec: /resources/:id/permissions", () => {
  let db: Database;
  let app: Express;
  let auth: Record<string, Record<string, string>>;
  let ids: { alice: number; bob: number; carol: number; editors: number; viewers: number; org: number };
  let resourceId: number;

  beforeAll(async () => {
    ({ db, app } = await createTestApp());
    const org = await db.prisma.organisation.create({ data: { name: "Org" } });
    const other = await db.prisma.organisation.create({ data: { name: "Other" } });
    const editors = await db.prisma.group.create({ data: { name: "editors/nl" } });
    const viewers = await db.prisma.group.create({ data: { name: "viewers" } });
    const alice = await userWithKey(db, "alice");
    const bob = await userWithKey(db, "bob");
    const carol = await userWithKey(db, "carol");
    const member = await userWithKey(db, "member", { organisations: [{ id: org.id, role: "member" }] });
    const outsider = await userWithKey(db, "outsider", { organisations: [{ id: other.id, role: "member" }] });
    auth = { alice: alice.auth, bob: bob.auth, carol: carol.auth, member: member.auth, outsider: outsider.auth, anonymous: {} };
    ids = { alice: alice.user.id, bob: bob.user.id, carol: carol.user.id, editors: editors.id, viewers: viewers.id, org: org.id };
  });
  beforeEach(async () => {
    await db.prisma.resource.deleteMany();
    resourceId = (await db.prisma.resource.create({ data: { type: "resource", name: "map", access_modifier: "Private", organisation_id: ids.org, owner_id: ids.alice } })).id;
  });
  afterAll(async () => {
    await db.close();
  });

  const url = () => `/resources/${resourceId}/permissions`;
  const grants = () =>
    db.prisma.permissionGrant.findMany({ where: { resource_id: resourceId }, orderBy: [{ subject_type: "asc" }, { user_id: "asc" }, { group_id: "asc" }, { permission: "asc" }] });

  describe("GET", () => {
    it("shows the owner with every permission and nothing else by default", async () => {
      const res = await request(app).get(url()).set(auth.alice!);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        users: {
          alice: [
            "view_resourcebase",
            "download_resourcebase",
            "change_resourcebase",
            "change_resourcebase_metadata",
            "delete_resourcebase",
            "change_resourcebase_permissions",
            "publish_resourcebase",
          ],
        },
        groups: {},
      });
    });

    it("returns the compact form with ?format=compact: owner, groups as organizations, anonymous always listed", async () => {
      await db.prisma.permissionGrant.createMany({
        data: [
          { resource_id: resourceId, subject_type: "user", user_id: ids.bob, permission: "view" },
          { resource_id: resourceId, subject_type: "user", user_id: ids.bob, permission: "download" },
          { resource_id: resourceId, subject_type: "group", group_id: ids.editors, permission: "change" },
        ],
      });
      const res = await request(app).get(`${url()}?format=compact`).set(auth.alice!);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        users: [
          { id: ids.alice, username: "alice", permissions: "owner" },
          { id: ids.bob, username: "bob", permissions: "download" },
        ],
        organizations: [{ id: ids.editors, name: "editors/nl", permissions: "edit" }],
        groups: [{ name: "anonymous", permissions: "none" }],
      });
    });

    it("rejects an unknown format with a 400 naming the parameter", async () => {
      const res = await request(app).get(`${url()}?format=short`).set(auth.alice!);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].source).toEqual({ parameter: "format" });
    });
  });

  describe("PUT replaces every explicit grant", () => {
    it("extended shape: users, groups and AnonymousUser, long and short permission names", async () => {
      await db.prisma.permissionGrant.create({ data: { resource_id: resourceId, subject_type: "user", user_id: ids.carol, permission: "view" } });
      const res = await request(app)
        .put(url())
        .set(auth.alice!)
        .send({ users: { AnonymousUser: ["view_resourcebase"], bob: ["view", "change_resourcebase_metadata"] }, groups: { viewers: ["view_resourcebase", "download_resourcebase"] } });
      expect(res.status).toBe(200);
      expect(res.body.users).toEqual({
        alice: expect.any(Array),
        bob: ["view_resourcebase", "change_resourcebase_metadata"],
        AnonymousUser: ["view_resourcebase"],
      });
      expect(res.body.groups).toEqual({ viewers: ["view_resourcebase", "download_resourcebase"] });
      expect((await grants()).map((g) => [g.subject_type, g.user_id ?? g.group_id, g.permission])).toEqual([
        ["user", ids.bob, "change_metadata"],
        ["user", ids.bob, "view"],
        ["group", ids.viewers, "download"],
        ["group", ids.viewers, "view"],
        ["anonymous", null, "view"],
      ]);
    });

    it("takes effect at once: a granted user can read, anyone can read, and a PUT of {} takes it away", async () => {
      expect((await request(app).get(`/resources/${resourceId}`).set(auth.bob!)).status).toBe(404);
      await request(app).put(url()).set(auth.alice!).send({ users: { bob: ["view_resourcebase"], AnonymousUser: ["view_resourcebase"] }, groups: {} }).expect(200);
      expect((await request(app).get(`/resources/${resourceId}`).set(auth.bob!)).status).toBe(200);
      expect((await request(app).get(`/resources/${resourceId}`)).status).toBe(200);
      await request(app).put(url()).set(auth.alice!).send({}).expect(200);
      expect((await request(app).get(`/resources/${resourceId}`).set(auth.bob!)).status).toBe(404);
      expect((await request(app).get(`/resources/${resourceId}`)).status).toBe(404);
    });

    it("compact shape: levels expand as GeoNode does, and the answer comes back compact", async () => {
      const res = await request(app)
        .put(url())
        .set(auth.alice!)
        .send({
          users: [
            { id: ids.bob, permissions: "edit" },
            { id: ids.carol, permissions: "manage" },
          ],
          organizations: [{ id: ids.viewers, permissions: "download" }],
          groups: [{ name: "anonymous", permissions: "view" }, { id: ids.editors, permissions: "view" }],
        });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        users: [
          { id: ids.alice, username: "alice", permissions: "owner" },
          { id: ids.bob, username: "bob", permissions: "edit" },
          { id: ids.carol, username: "carol", permissions: "manage" },
        ],
        organizations: [
          { id: ids.viewers, name: "viewers", permissions: "download" },
          { id: ids.editors, name: "editors/nl", permissions: "view" },
        ],
        groups: [{ name: "anonymous", permissions: "view" }],
      });
      const extended = await request(app).get(url()).set(auth.alice!);
      expect(extended.body.users.bob).toEqual(["view_resourcebase", "download_resourcebase", "change_resourcebase"]);
      expect(extended.body.users.carol).toHaveLength(7);
      expect(extended.body.groups).toEqual({ viewers: ["view_resourcebase", "download_resourcebase"], "editors/nl": ["view_resourcebase"] });
    });

    it("does not store grants for the owner, who holds every permission anyway", async () => {
      await request(app).put(url()).set(auth.alice!).send({ users: { alice: ["view_resourcebase"] }, groups: {} }).expect(200);
      expect(await grants()).toEqual([]);
    });
  });

  describe("PATCH merges", () => {
    it("extended: named subjects get exactly the given list (empty removes), others keep theirs", async () => {
      await request(app).put(url()).set(auth.alice!).send({ users: { bob: ["view_resourcebase"], carol: ["view_resourcebase"] }, groups: { viewers: ["view_resourcebase"] } }).expect(200);
      const res = await request(app).patch(url()).set(auth.alice!).send({ users: { bob: ["view_resourcebase", "download_resourcebase"], carol: [] } });
      expect(res.status).toBe(200);
      expect(res.body.users.bob).toEqual(["view_resourcebase", "download_resourcebase"]);
      expect(res.body.users.carol).toBeUndefined();
      expect(res.body.groups).toEqual({ viewers: ["view_resourcebase"] });
    });

    it("compact: 'none' removes a subject; the anonymous entry is merged like any other", async () => {
      await request(app).put(url()).set(auth.alice!).send({ users: { bob: ["view_resourcebase"] }, groups: { viewers: ["view_resourcebase"] } }).expect(200);
      const res = await request(app)
        .patch(url())
        .set(auth.alice!)
        .send({ users: [{ id: ids.bob, permissions: "none" }], groups: [{ name: "anonymous", permissions: "download" }] });
      expect(res.status).toBe(200);
      expect(res.body.users).toEqual([{ id: ids.alice, username: "alice", permissions: "owner" }]);
      expect(res.body.organizations).toEqual([{ id: ids.viewers, name: "viewers", permissions: "view" }]);
      expect(res.body.groups).toEqual([{ name: "anonymous", permissions: "download" }]);
    });
  });

  describe("DELETE resets to defaults", () => {
    it("drops every explicit grant; the owner keeps full control", async () => {
      await request(app).put(url()).set(auth.alice!).send({ users: { bob: ["view_resourcebase"] }, groups: { viewers: ["view_resourcebase"] } }).expect(200);
      const res = await request(app).delete(url()).set(auth.alice!);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ users: { alice: expect.arrayContaining(["change_resourcebase_permissions"]) }, groups: {} });
      expect(await grants()).toEqual([]);
      expect((await request(app).get(`/resources/${resourceId}`).set(auth.bob!)).status).toBe(404);
      expect((await request(app).get(url()).set(auth.alice!)).status).toBe(200);
    });
  });

  describe("who may read and write it", () => {
    it.each([
      ["GET", "member"],
      ["PUT", "member"],
      ["PATCH", "member"],
      ["DELETE", "member"],
    ])("%s by someone who can view but not manage: 403", async (method, who) => {
      const res = await request(app)[method.toLowerCase() as "get"](url()).set(auth[who]!).send({ users: {}, groups: {} });
      expect(res.status).toBe(403);
    });

    it.each([
      ["GET", "outsider"],
      ["PUT", "outsider"],
      ["PATCH", "anonymous"],
      ["DELETE", "anonymous"],
    ])("%s by %s, who cannot view the resource: 404", async (method, who) => {
      const res = await request(app)[method.toLowerCase() as "get"](url()).set(auth[who]!).send({ users: {}, groups: {} });
      expect(res.status).toBe(404);
    });

    it("a user granted change_permissions may manage the spec", async () => {
      await request(app).put(url()).set(auth.alice!).send({ users: { bob: ["view_resourcebase", "change_resourcebase_permissions"] } }).expect(200);
      const res = await request(app).patch(url()).set(auth.bob!).send({ users: { carol: ["view_resourcebase"] } });
      expect(res.status).toBe(200);
      expect(res.body.users.carol).toEqual(["view_resourcebase"]);
    });

    it("an unknown resource is a 404 and GET /resources/:id still works beside the permission routes", async () => {
      expect((await request(app).get("/resources/999999/permissions").set(auth.alice!)).status).toBe(404);
      const res = await request(app).get(`/resources/${resourceId}`).set(auth.alice!);
      expect(res.status).toBe(200);
      expect(res.body.data.attributes.name).toBe("map");
    });
  });

  describe("bad specs are 400s pointing at the offending member", () => {
    it.each([
      [{ users: { nobody: ["view_resourcebase"] } }, "/users/nobody", /Unknown user 'nobody'/],
      [{ groups: { "no/group": ["view_resourcebase"] } }, "/groups/no~1group", /Unknown group 'no\/group'/],
      [{ users: { bob: ["view_resourcebase", "fly_resourcebase"] } }, "/users/bob/1", /Unknown permission 'fly_resourcebase'/],
      [{ users: { bob: "view_resourcebase" } }, "/users/bob", /must be a list/],
      [{ users: { AnonymousUser: ["change_resourcebase"] } }, "/users/AnonymousUser", /only be granted view and download/],
      [{ users: [{ id: 999999, permissions: "view" }] }, "/users/0/id", /Unknown user with id 999999/],
      [{ users: [{ username: "ghost", permissions: "view" }] }, "/users/0/username", /Unknown user 'ghost'/],
      [{ organizations: [{ id: 999999, permissions: "view" }] }, "/organizations/0/id", /Unknown group with id 999999/],
      [{ users: [{ id: 1, permissions: "admin" }] }, "/users/0/permissions", /Unknown permission level 'admin'/],
      [{ groups: [{ name: "anonymous", permissions: "edit" }] }, "/groups/0/permissions", /only be granted view and download/],
      [{ users: [{ permissions: "view" }] }, "/users/0/id", /integer 'id'/],
      [{ users: {}, perm_spec: {} }, "/perm_spec", /Unknown member 'perm_spec'/],
      [["view"], "", /perm_spec object/],
    ])("%j", async (body, pointer, detail) => {
      await db.prisma.permissionGrant.create({ data: { resource_id: resourceId, subject_type: "user", user_id: ids.carol, permission: "view" } });
      const res = await request(app).put(url()).set(auth.alice!).send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors[0].source).toEqual({ pointer });
      expect(res.body.errors[0].detail).toMatch(detail);
      expect(await grants()).toHaveLength(1);
    });
  });
});
