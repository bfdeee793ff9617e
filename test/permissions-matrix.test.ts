import request from "supertest";
import type { Express } from "express";
import { accessibleResources, ANONYMOUS, defineAbilityFor, issueApiKey, loadPrincipal, type Database, type Principal, type ResourceAction } from "@assets/core";
import { createTestApp, userWithKey } from "./helpers/app.js";

/**
 * Every principal against a resource of every access modifier, for every
 * action. The expected table is written out by hand from the rules in
 * docs (Lizard access modifiers, organisation roles, grants); the code under
 * test only produces the observed side.
 */

const MODIFIERS = ["Public", "Common", "Private", "Hidden"] as const;
type Modifier = (typeof MODIFIERS)[number];
const PRINCIPALS = ["anonymous", "member", "editor", "admin", "outsider", "grantee", "owner", "superuser", "readonly"] as const;
type PrincipalName = (typeof PRINCIPALS)[number];

// One letter per action, in this order; "-" means denied.
const ACTIONS: readonly ResourceAction[] = ["view", "download", "change", "change_metadata", "delete", "change_permissions", "publish"];
const LETTERS = "VDCMXPB";

// The resources of the matrix live in organisation A and belong to `owner`; group G holds view + change on each.
const EXPECTED: Record<PrincipalName, Record<Modifier, string>> = {
  //           Public     Common     Private    Hidden
  anonymous: { Public: "VD-----", Common: "-------", Private: "-------", Hidden: "-------" },
  member: { Public: "VD-----", Common: "VD-----", Private: "VD-----", Hidden: "-------" },
  editor: { Public: "VDCM--B", Common: "VDCM--B", Private: "VDCM--B", Hidden: "-------" },
  admin: { Public: "VDCMXPB", Common: "VDCMXPB", Private: "VDCMXPB", Hidden: "VDCMXPB" },
  outsider: { Public: "VD-----", Common: "VD-----", Private: "-------", Hidden: "-------" },
  grantee: { Public: "VDC----", Common: "VDC----", Private: "V-C----", Hidden: "V-C----" },
  owner: { Public: "VDCMXPB", Common: "VDCMXPB", Private: "VDCMXPB", Hidden: "VDCMXPB" },
  superuser: { Public: "VDCMXPB", Common: "VDCMXPB", Private: "VDCMXPB", Hidden: "VDCMXPB" },
  readonly: { Public: "VD-----", Common: "VD-----", Private: "VD-----", Hidden: "VD-----" },
};

// Listings: the default listing leaves Hidden out; naming access_modifier in the filter brings it back.
const LISTED: Record<PrincipalName, { listed: string[]; withHidden: string[] }> = {
  anonymous: { listed: ["A-Public", "N-Anyone"], withHidden: ["A-Public", "N-Anyone"] },
  member: { listed: ["A-Public", "A-Common", "A-Private", "N-Anyone"], withHidden: ["A-Public", "A-Common", "A-Private", "N-Anyone"] },
  editor: { listed: ["A-Public", "A-Common", "A-Private", "N-Anyone"], withHidden: ["A-Public", "A-Common", "A-Private", "N-Anyone"] },
  admin: { listed: ["A-Public", "A-Common", "A-Private", "N-Anyone"], withHidden: ["A-Public", "A-Common", "A-Private", "A-Hidden", "N-Anyone"] },
  outsider: { listed: ["A-Public", "A-Common", "B-Private", "N-Anyone"], withHidden: ["A-Public", "A-Common", "B-Private", "N-Anyone"] },
  grantee: { listed: ["A-Public", "A-Common", "A-Private", "N-Anyone"], withHidden: ["A-Public", "A-Common", "A-Private", "A-Hidden", "N-Anyone"] },
  owner: { listed: ["A-Public", "A-Common", "A-Private", "N-Anyone"], withHidden: ["A-Public", "A-Common", "A-Private", "A-Hidden", "N-Anyone"] },
  superuser: {
    listed: ["A-Public", "A-Common", "A-Private", "B-Private", "N-Anyone"],
    withHidden: ["A-Public", "A-Common", "A-Private", "A-Hidden", "B-Private", "B-Hidden", "N-Anyone"],
  },
  readonly: {
    listed: ["A-Public", "A-Common", "A-Private", "B-Private", "N-Anyone"],
    withHidden: ["A-Public", "A-Common", "A-Private", "A-Hidden", "B-Private", "B-Hidden", "N-Anyone"],
  },
};

function allows(principal: PrincipalName, modifier: Modifier, action: ResourceAction): boolean {
  return EXPECTED[principal][modifier][ACTIONS.indexOf(action)] === LETTERS[ACTIONS.indexOf(action)];
}

describe("permission matrix: principals x access modifiers x actions", () => {
  let db: Database;
  let app: Express;
  let orgA: number;
  let groupG: number;
  let ownerId: number;
  const headers = {} as Record<PrincipalName, Record<string, string>>;
  const principals = {} as Record<PrincipalName, Principal>;
  const ids = {} as Record<string, number>;

  async function makeResource(name: string, modifier: Modifier, organisationId: number | null, owner: number | null) {
    const row = await db.prisma.resource.create({ data: { type: "resource", name, access_modifier: modifier, organisation_id: organisationId, owner_id: owner } });
    return row.id;
  }

  async function matrixResource(name: string, modifier: Modifier) {
    const id = await makeResource(name, modifier, orgA, ownerId);
    await db.prisma.permissionGrant.createMany({
      data: (["view", "change"] as const).map((permission) => ({ resource_id: id, subject_type: "group" as const, group_id: groupG, permission })),
    });
    return id;
  }

  beforeAll(async () => {
    ({ db, app } = await createTestApp());
    orgA = (await db.prisma.organisation.create({ data: { name: "Org A" } })).id;
    const orgB = (await db.prisma.organisation.create({ data: { name: "Org B" } })).id;
    groupG = (await db.prisma.group.create({ data: { name: "G" } })).id;

    const users = {
      member: await userWithKey(db, "member", { organisations: [{ id: orgA, role: "member" }] }),
      editor: await userWithKey(db, "editor", { organisations: [{ id: orgA, role: "editor" }] }),
      admin: await userWithKey(db, "admin", { organisations: [{ id: orgA, role: "admin" }] }),
      outsider: await userWithKey(db, "outsider", { organisations: [{ id: orgB, role: "member" }] }),
      grantee: await userWithKey(db, "grantee", { groups: [groupG] }),
      owner: await userWithKey(db, "owner"),
      superuser: await userWithKey(db, "root", { superuser: true }),
    };
    const readKey = await issueApiKey(db.prisma, users.superuser.user.id, { scopes: ["read"] });
    ownerId = users.owner.user.id;

    headers.anonymous = {};
    principals.anonymous = ANONYMOUS;
    for (const [name, made] of Object.entries(users) as [PrincipalName, (typeof users)["member"]][]) {
      headers[name] = made.auth;
      principals[name] = (await loadPrincipal(db.prisma, { id: made.user.id }))!;
    }
    headers.readonly = { Authorization: `Bearer ${readKey.secret}` };
    principals.readonly = (await loadPrincipal(db.prisma, { id: users.superuser.user.id }, ["read"]))!;

    for (const modifier of MODIFIERS) ids[`A-${modifier}`] = await matrixResource(`A-${modifier}`, modifier);
    ids["B-Private"] = await makeResource("B-Private", "Private", orgB, null);
    ids["B-Hidden"] = await makeResource("B-Hidden", "Hidden", orgB, null);
    ids["N-Anyone"] = await makeResource("N-Anyone", "Private", null, null);
    await db.prisma.permissionGrant.create({ data: { resource_id: ids["N-Anyone"], subject_type: "anonymous", permission: "view" } });
  });
  afterAll(async () => {
    await db.close();
  });

  const cases = PRINCIPALS.flatMap((p) => MODIFIERS.map((m) => [p, m] as const));
  const statusFor = (p: PrincipalName, m: Modifier, action: ResourceAction, success: number) =>
    allows(p, m, action) ? success : allows(p, m, "view") ? 403 : 404;

  describe("listings return exactly the visible set", () => {
    it.each(PRINCIPALS)("%s: default listing (Hidden left out) and total_count", async (p) => {
      const res = await request(app).get("/resources?order_by=name_ASC&page[limit]=100").set(headers[p]);
      expect(res.status).toBe(200);
      expect(res.body.data.map((d: { attributes: { name: string } }) => d.attributes.name).sort()).toEqual([...LISTED[p].listed].sort());
      expect(res.body.meta.total_count).toBe(LISTED[p].listed.length);
    });

    it.each(PRINCIPALS)("%s: listing that names access_modifier includes visible Hidden resources", async (p) => {
      const res = await request(app).get("/resources?filter[fields][access_modifier][in]=Public,Common,Private,Hidden&page[limit]=1").set(headers[p]);
      expect(res.status).toBe(200);
      expect(res.body.meta.total_count).toBe(LISTED[p].withHidden.length);
      const all = await request(app).get("/resources?filter[fields][access_modifier][in]=0,100,200,300&page[limit]=100").set(headers[p]);
      expect(all.body.data.map((d: { attributes: { name: string } }) => d.attributes.name).sort()).toEqual([...LISTED[p].withHidden].sort());
    });
  });

  describe("view: GET /resources/:id is 200 or 404, never 403", () => {
    it.each(cases)("%s on %s", async (p, m) => {
      const res = await request(app).get(`/resources/${ids[`A-${m}`]}`).set(headers[p]);
      expect(res.status).toBe(allows(p, m, "view") ? 200 : 404);
      if (res.status === 200) expect(res.body.data.attributes.writable).toBe(allows(p, m, "change"));
    });
  });

  describe("download, change and publish: the database decides with accessibleResources", () => {
    it.each(cases)("%s on %s", async (p, m) => {
      const ability = defineAbilityFor(principals[p]);
      for (const action of ["view", "download", "change", "change_metadata", "delete", "change_permissions", "publish"] as const) {
        const found = await db.prisma.resource.count({ where: { AND: [{ id: ids[`A-${m}`] }, accessibleResources(ability, action)] } });
        expect([action, found]).toEqual([action, allows(p, m, action) ? 1 : 0]);
      }
    });
  });

  describe("change_metadata: PATCH /resources/:id", () => {
    it.each(cases)("%s on %s", async (p, m) => {
      const res = await request(app)
        .patch(`/resources/${ids[`A-${m}`]}`)
        .set(headers[p])
        .send({ data: { type: "resource", attributes: { description: `edited by ${p}` } } });
      expect(res.status).toBe(statusFor(p, m, "change_metadata", 200));
    });
  });

  describe("change_permissions: PUT /resources/:id/permissions", () => {
    it.each(cases)("%s on %s", async (p, m) => {
      const res = await request(app)
        .put(`/resources/${ids[`A-${m}`]}/permissions`)
        .set(headers[p])
        .send({ users: {}, groups: { G: ["view_resourcebase", "change_resourcebase"] } });
      expect(res.status).toBe(statusFor(p, m, "change_permissions", 200));
      if (res.status === 200) expect(res.body.groups).toEqual({ G: ["view_resourcebase", "change_resourcebase"] });
    });
  });

  describe("delete: DELETE /resources/:id (a fresh copy per case)", () => {
    it.each(cases)("%s on %s", async (p, m) => {
      const id = await matrixResource(`copy-${p}-${m}`, m);
      const res = await request(app).delete(`/resources/${id}`).set(headers[p]);
      expect(res.status).toBe(statusFor(p, m, "delete", 204));
      expect(await db.prisma.resource.count({ where: { id } })).toBe(allows(p, m, "delete") ? 0 : 1);
      await db.prisma.resource.deleteMany({ where: { id } });
    });
  });
});
