import request from "supertest";
import type { Express } from "express";
import { issueApiKey, type Database } from "@assets/core";
import { createTestApp, userWithKey } from "./helpers/app.js";

type Headers = Record<string, string>;
const doc = (type: string, attributes: Record<string, unknown>) => ({ data: { type, attributes } });
const names = (body: { data: { attributes: Record<string, unknown> }[] }, attribute: string) => body.data.map((d) => d.attributes[attribute]);

/** The management API: users, organisations, groups and their members, API keys. */
describe("management API", () => {
  let db: Database;
  let app: Express;
  let root: Headers;
  let rootReadOnly: Headers;
  let orgAdmin: Headers;
  let member: Headers;
  let plain: Headers;
  let orgId: number;
  let memberId: number;
  let plainId: number;
  let rootId: number;

  beforeAll(async () => {
    ({ db, app } = await createTestApp());
    orgId = (await db.prisma.organisation.create({ data: { name: "Nelen" } })).id;
    const r = await userWithKey(db, "root", { superuser: true });
    const a = await userWithKey(db, "boss", { organisations: [{ id: orgId, role: "admin" }] });
    const m = await userWithKey(db, "mia", { organisations: [{ id: orgId, role: "member" }] });
    const p = await userWithKey(db, "pim");
    ({ auth: root } = r);
    ({ auth: orgAdmin } = a);
    ({ auth: member } = m);
    ({ auth: plain } = p);
    rootReadOnly = { Authorization: `Bearer ${(await issueApiKey(db.prisma, r.user.id, { scopes: ["read"] })).secret}` };
    memberId = m.user.id;
    plainId = p.user.id;
    rootId = r.user.id;
  });
  afterAll(async () => {
    await db.close();
  });

  describe("/users", () => {
    it("superusers list users in the JSON:API list dialect", async () => {
      const res = await request(app).get("/users?order_by=username_ASC&filter[fields][username][in]=mia,pim,root").set(root);
      expect(res.status).toBe(200);
      expect(names(res.body, "username")).toEqual(["mia", "pim", "root"]);
      expect(res.body.meta.total_count).toBe(3);
      expect(res.body.data[0]).toMatchObject({ type: "user", id: String(memberId) });
    });

    it("others may not list users: 401 anonymous, 403 signed in", async () => {
      expect((await request(app).get("/users")).status).toBe(401);
      expect((await request(app).get("/users").set(orgAdmin)).status).toBe(403);
    });

    it("/users/me is the caller with organisation and group roles", async () => {
      const res = await request(app).get("/users/me").set(member);
      expect(res.status).toBe(200);
      expect(res.body.data.attributes).toMatchObject({ username: "mia", is_superuser: false, organisations: [{ id: orgId, name: "Nelen", role: "member" }], groups: [] });
      expect((await request(app).get("/users/me")).status).toBe(401);
    });

    it("a user reads themselves by id; anyone else is a 404 unless the caller is a superuser", async () => {
      expect((await request(app).get(`/users/${memberId}`).set(member)).status).toBe(200);
      expect((await request(app).get(`/users/${plainId}`).set(member)).status).toBe(404);
      expect((await request(app).get(`/users/${plainId}`).set(root)).status).toBe(200);
    });

    it("superusers create users; a taken username is a 409, a bad one a 400", async () => {
      const created = await request(app).post("/users").set(root).send(doc("user", { username: "newbie", email: "n@example.org" }));
      expect(created.status).toBe(201);
      expect(created.headers.location).toMatch(new RegExp(`/users/${created.body.data.id}$`));
      expect((await request(app).post("/users").set(root).send(doc("user", { username: "newbie" }))).status).toBe(409);
      const bad = await request(app).post("/users").set(root).send(doc("user", { username: "has space" }));
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].source.pointer).toBe("/data/attributes/username");
      expect((await request(app).post("/users").set(orgAdmin).send(doc("user", { username: "sneaky" }))).status).toBe(403);
    });

    it("superusers update users but cannot remove their own superuser status", async () => {
      const res = await request(app).patch(`/users/${plainId}`).set(root).send(doc("user", { email: "pim@example.org" }));
      expect(res.status).toBe(200);
      expect(res.body.data.attributes.email).toBe("pim@example.org");
      expect((await request(app).patch(`/users/${rootId}`).set(root).send(doc("user", { is_superuser: false }))).status).toBe(409);
      expect((await request(app).patch(`/users/${plainId}`).set(member).send(doc("user", { is_superuser: true }))).status).toBe(403);
    });

    it("a read-only key of a superuser reads but never writes", async () => {
      expect((await request(app).get("/users").set(rootReadOnly)).status).toBe(200);
      expect((await request(app).post("/users").set(rootReadOnly).send(doc("user", { username: "viaread" }))).status).toBe(403);
    });
  });

  describe("/organisations and their members", () => {
    it("anyone signed in lists organisations; only superusers create them", async () => {
      const list = await request(app).get("/organisations").set(plain);
      expect(list.status).toBe(200);
      expect(names(list.body, "name")).toContain("Nelen");
      expect((await request(app).get("/organisations")).status).toBe(401);
      expect((await request(app).post("/organisations").set(orgAdmin).send(doc("organisation", { name: "Mine" }))).status).toBe(403);
      const created = await request(app).post("/organisations").set(root).send(doc("organisation", { name: "Deltares" }));
      expect(created.status).toBe(201);
      expect((await request(app).post("/organisations").set(root).send(doc("organisation", { name: "Deltares" }))).status).toBe(409);
    });

    it("organisation admins rename their organisation; members may not", async () => {
      expect((await request(app).patch(`/organisations/${orgId}`).set(member).send(doc("organisation", { name: "Mia's" }))).status).toBe(403);
      const res = await request(app).patch(`/organisations/${orgId}`).set(orgAdmin).send(doc("organisation", { name: "Nelen & Schuurmans" }));
      expect(res.status).toBe(200);
      expect(res.body.data.attributes.name).toBe("Nelen & Schuurmans");
    });

    it("admins list members with roles; plain members may not", async () => {
      const res = await request(app).get(`/organisations/${orgId}/members?order_by=user.username_ASC`).set(orgAdmin);
      expect(res.status).toBe(200);
      expect(res.body.data.map((d: { attributes: { username: string; role: string } }) => [d.attributes.username, d.attributes.role])).toEqual([
        ["boss", "admin"],
        ["mia", "member"],
      ]);
      expect(res.body.data[0].type).toBe("organisation_membership");
      expect((await request(app).get(`/organisations/${orgId}/members?filter[fields][role][eq]=admin`).set(root)).body.meta.total_count).toBe(1);
      expect((await request(app).get(`/organisations/${orgId}/members`).set(member)).status).toBe(403);
    });

    it("adding a member gives access to the organisation's Private resources; removing takes it away", async () => {
      const resource = await db.prisma.resource.create({ data: { type: "resource", name: "internal", access_modifier: "Private", organisation_id: orgId } });
      expect((await request(app).get(`/resources/${resource.id}`).set(plain)).status).toBe(404);
      const added = await request(app).post(`/organisations/${orgId}/members`).set(orgAdmin).send(doc("organisation_membership", { username: "pim", role: "editor" }));
      expect(added.status).toBe(201);
      expect(added.body.data.attributes).toEqual({ user_id: plainId, username: "pim", role: "editor" });
      expect((await request(app).get(`/resources/${resource.id}`).set(plain)).status).toBe(200);
      expect((await request(app).post(`/organisations/${orgId}/members`).set(orgAdmin).send(doc("organisation_membership", { user_id: plainId }))).status).toBe(409);
      const demoted = await request(app).patch(`/organisations/${orgId}/members/${plainId}`).set(orgAdmin).send(doc("organisation_membership", { role: "member" }));
      expect(demoted.body.data.attributes.role).toBe("member");
      expect((await request(app).delete(`/organisations/${orgId}/members/${plainId}`).set(orgAdmin)).status).toBe(204);
      expect((await request(app).get(`/resources/${resource.id}`).set(plain)).status).toBe(404);
    });

    it("an unknown user is a 400 pointing at it; an unknown member a 404", async () => {
      const res = await request(app).post(`/organisations/${orgId}/members`).set(orgAdmin).send(doc("organisation_membership", { username: "ghost" }));
      expect(res.status).toBe(400);
      expect(res.body.errors[0].source.pointer).toBe("/data/attributes/username");
      expect((await request(app).delete(`/organisations/${orgId}/members/999999`).set(orgAdmin)).status).toBe(404);
    });

    it("the last admin can be neither demoted nor removed", async () => {
      const [boss] = (await request(app).get(`/organisations/${orgId}/members?filter[fields][role][eq]=admin`).set(root)).body.data;
      expect((await request(app).patch(`/organisations/${orgId}/members/${boss.id}`).set(root).send(doc("organisation_membership", { role: "member" }))).status).toBe(409);
      expect((await request(app).delete(`/organisations/${orgId}/members/${boss.id}`).set(root)).status).toBe(409);
    });
  });

  describe("/groups and their members", () => {
    let groupId: number;

    it("organisation admins create groups in their organisation only; superusers anywhere", async () => {
      const created = await request(app).post("/groups").set(orgAdmin).send(doc("group", { name: "hydrologists", organisation_id: orgId }));
      expect(created.status).toBe(201);
      groupId = Number(created.body.data.id);
      expect((await request(app).post("/groups").set(orgAdmin).send(doc("group", { name: "loose" }))).status).toBe(403);
      expect((await request(app).post("/groups").set(member).send(doc("group", { name: "mine", organisation_id: orgId }))).status).toBe(403);
      expect((await request(app).post("/groups").set(root).send(doc("group", { name: "everyone" }))).status).toBe(201);
      expect((await request(app).post("/groups").set(root).send(doc("group", { name: "everyone" }))).status).toBe(409);
      const list = await request(app).get("/groups?order_by=name_ASC").set(plain);
      expect(names(list.body, "name")).toEqual(["everyone", "hydrologists"]);
    });

    it("members of a group inherit its grants; group admins manage members, others may not", async () => {
      const resource = await db.prisma.resource.create({ data: { type: "resource", name: "shared", access_modifier: "Hidden" } });
      await db.prisma.permissionGrant.create({ data: { resource_id: resource.id, subject_type: "group", group_id: groupId, permission: "view" } });
      expect((await request(app).post(`/groups/${groupId}/members`).set(member).send(doc("group_membership", { user_id: plainId }))).status).toBe(403);
      const made = await request(app).post(`/groups/${groupId}/members`).set(orgAdmin).send(doc("group_membership", { user_id: memberId, role: "admin" }));
      expect(made.status).toBe(201);
      // mia is now a group admin (though only a plain member of the organisation).
      expect((await request(app).post(`/groups/${groupId}/members`).set(member).send(doc("group_membership", { user_id: plainId }))).status).toBe(201);
      expect((await request(app).get(`/resources/${resource.id}`).set(plain)).status).toBe(200);
      const listed = await request(app).get(`/groups/${groupId}/members?order_by=user.username_ASC`).set(member);
      expect(listed.body.data.map((d: { attributes: { username: string } }) => d.attributes.username)).toEqual(["mia", "pim"]);
      expect((await request(app).get(`/groups/${groupId}/members`).set(plain)).status).toBe(403);
      expect((await request(app).delete(`/groups/${groupId}/members/${plainId}`).set(member)).status).toBe(204);
      expect((await request(app).get(`/resources/${resource.id}`).set(plain)).status).toBe(404);
    });

    it("group admins rename and delete their group", async () => {
      expect((await request(app).patch(`/groups/${groupId}`).set(plain).send(doc("group", { name: "x" }))).status).toBe(403);
      expect((await request(app).patch(`/groups/${groupId}`).set(member).send(doc("group", { name: "hydro" }))).body.data.attributes.name).toBe("hydro");
      expect((await request(app).delete(`/groups/${groupId}`).set(member)).status).toBe(204);
      expect((await request(app).get(`/groups/${groupId}`).set(member)).status).toBe(404);
    });
  });

  describe("/api-keys", () => {
    it("POST returns the full key once; listings show prefix, name, scopes and dates, never a secret", async () => {
      const created = await request(app).post("/api-keys").set(plain).send(doc("api_key", { name: "laptop" }));
      expect(created.status).toBe(201);
      expect(created.headers["cache-control"]).toBe("no-store");
      const { key, prefix } = created.body.data.attributes;
      expect(key).toMatch(new RegExp(`^ak_${prefix}\\.`));
      expect((await request(app).get("/users/me").set("Authorization", `Bearer ${key}`)).body.data.attributes.username).toBe("pim");

      const list = await request(app).get("/api-keys?order_by=created_at_ASC").set(plain);
      expect(list.status).toBe(200);
      expect(list.body.meta.total_count).toBe(2);
      for (const item of list.body.data) {
        expect(Object.keys(item.attributes).sort()).toEqual(["created_at", "last_used_at", "name", "prefix", "revoked_at", "scopes"]);
        expect(JSON.stringify(item)).not.toContain(key.split(".")[1]);
      }
      expect(names(list.body, "name")).toEqual(["", "laptop"]);
      const one = await request(app).get(`/api-keys/${created.body.data.id}`).set(plain);
      expect(one.body.data.attributes.key).toBeUndefined();
      expect(one.body.data.attributes.last_used_at).toEqual(expect.any(String));
    });

    it("a read-scoped key can view but not change; unknown scopes are a 400", async () => {
      const created = await request(app).post("/api-keys").set(plain).send(doc("api_key", { name: "ci", scopes: ["read"] }));
      expect(created.body.data.attributes.scopes).toEqual(["read"]);
      const readOnly = { Authorization: `Bearer ${created.body.data.attributes.key}` };
      const mine = await db.prisma.resource.create({ data: { type: "resource", name: "mine", owner_id: plainId } });
      expect((await request(app).get(`/resources/${mine.id}`).set(readOnly)).status).toBe(200);
      expect((await request(app).patch(`/resources/${mine.id}`).set(readOnly).send(doc("resource", { name: "renamed" }))).status).toBe(403);
      expect((await request(app).post("/api-keys").set(readOnly).send(doc("api_key", { name: "escalate" }))).status).toBe(403);
      const bad = await request(app).post("/api-keys").set(plain).send(doc("api_key", { scopes: ["admin"] }));
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].source.pointer).toBe("/data/attributes/scopes/0");
    });

    it("users see and revoke only their own keys; superusers manage anyone's", async () => {
      const theirs = await request(app).post("/api-keys").set(member).send(doc("api_key", { name: "mia's" }));
      const id = theirs.body.data.id;
      expect((await request(app).get(`/api-keys/${id}`).set(plain)).status).toBe(404);
      expect((await request(app).delete(`/api-keys/${id}`).set(plain)).status).toBe(404);
      expect((await request(app).post("/api-keys").set(plain).send(doc("api_key", { user_id: memberId }))).status).toBe(403);

      const all = await request(app).get(`/api-keys?filter[fields][user.id][eq]=${memberId}`).set(root);
      expect(all.body.data.map((d: { id: string }) => d.id)).toContain(id);
      const revoked = await request(app).delete(`/api-keys/${id}`).set(root);
      expect(revoked.status).toBe(200);
      const again = await request(app).delete(`/api-keys/${id}`).set(member);
      expect(again.body.data.attributes.revoked_at).toBe(revoked.body.data.attributes.revoked_at);
      expect((await request(app).get("/resources").set("Authorization", `Bearer ${theirs.body.data.attributes.key}`)).status).toBe(401);

      const forMia = await request(app).post("/api-keys").set(root).send(doc("api_key", { user_id: memberId, name: "issued" }));
      expect(forMia.status).toBe(201);
      expect(forMia.body.data.relationships.user.data.id).toBe(String(memberId));
    });

    it("anonymous callers get 401", async () => {
      expect((await request(app).get("/api-keys")).status).toBe(401);
      expect((await request(app).post("/api-keys").send(doc("api_key", {}))).status).toBe(401);
    });
  });
});
