import request from "supertest";
import type { Express } from "express";
import type { Database } from "@assets/core";
import { createTestApp, userWithKey } from "./helpers/app.js";

/**
 * The generic references between resources (`ResourceUse`): `PUT /resources/:id/uses/:field`
 * records what a resource's field refers to, `GET /resources/:id/uses` reads it back, and the
 * referenced resources list the referrer in `GET /resources/:id/references`, which makes them in
 * use: `DELETE /resources/:id` refuses them (409) unless `force=true`. The rows in the table are
 * the independent check.
 */
describe("resources referring to resources", () => {
  let db: Database;
  let app: Express;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  let aliceId: number;

  beforeAll(async () => {
    ({ db, app } = await createTestApp());
    const made = await userWithKey(db, "alice");
    alice = made.auth;
    aliceId = made.user.id;
    ({ auth: bob } = await userWithKey(db, "bob"));
  });
  afterAll(async () => {
    await db.close();
  });

  const resource = async (name: string, access: "Public" | "Private" = "Private", owner = aliceId) => (await db.prisma.resource.create({ data: { name, type: "resource", access_modifier: access, owner_id: owner } })).id;
  const setUses = (from: number, field: string, to: (number | string)[], auth = alice) =>
    request(app).put(`/resources/${from}/uses/${field}`).set(auth).send({ data: to.map((id) => ({ type: "resource", id: String(id) })) });
  const rows = (to: number) => db.prisma.resourceUse.findMany({ where: { to_id: to }, select: { from_id: true, field: true }, orderBy: [{ from_id: "asc" }, { field: "asc" }] });

  it("records a field's references, reads them back, and lists the referrer on each target", async () => {
    const page = await resource("Home page");
    const hero = await resource("hero.jpg");
    const logo = await resource("logo.svg");
    const set = await setUses(page, "hero_image", [hero, logo]);
    expect(set.status).toBe(200);
    expect(set.body.data).toEqual([
      { type: "resource", id: String(hero), attributes: { field: "hero_image", name: "hero.jpg" }, links: { self: expect.stringMatching(new RegExp(`/resources/${hero}$`)) } },
      { type: "resource", id: String(logo), attributes: { field: "hero_image", name: "logo.svg" }, links: { self: expect.stringMatching(new RegExp(`/resources/${logo}$`)) } },
    ]);
    expect(await rows(hero)).toEqual([{ from_id: page, field: "hero_image" }]);
    expect((await request(app).get(`/resources/${page}/uses`).set(alice)).body.meta).toEqual({ total_count: 2 });

    const references = await request(app).get(`/resources/${hero}/references`).set(alice);
    expect(references.status).toBe(200);
    expect(references.body).toEqual({
      data: [{ type: "resource", id: String(page), attributes: { name: "Home page", field: "hero_image" }, links: { self: expect.stringMatching(new RegExp(`/resources/${page}$`)) } }],
      meta: { total_count: 1, in_use: true },
    });

    // Setting a field again replaces it; other fields stay.
    await setUses(page, "gallery", [logo]);
    expect((await setUses(page, "hero_image", [logo])).status).toBe(200);
    expect(await rows(hero)).toEqual([]);
    expect(await rows(logo)).toEqual([{ from_id: page, field: "gallery" }, { from_id: page, field: "hero_image" }]);
    expect((await request(app).get(`/resources/${hero}/references`).set(alice)).body.meta).toEqual({ total_count: 0, in_use: false });
  });

  it("refuses to delete a resource in use unless forced; forced, its references go with it, and a referrer's delete takes its own", async () => {
    const page = await resource("About page");
    const photo = await resource("team.jpg");
    await setUses(page, "photo", [photo]);
    const refused = await request(app).delete(`/resources/${photo}`).set(alice);
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].code).toBe("RESOURCE_IN_USE");
    expect(await db.prisma.resource.count({ where: { id: photo } })).toBe(1);
    expect((await request(app).delete(`/resources/${photo}?force=true`).set(alice)).status).toBe(204);
    expect(await rows(photo)).toEqual([]);

    const other = await resource("staff.jpg");
    await setUses(page, "photo", [other]);
    expect((await request(app).delete(`/resources/${page}`).set(alice)).status).toBe(204);
    expect(await rows(other)).toEqual([]);
    expect((await request(app).delete(`/resources/${other}`).set(alice)).status).toBe(204);
  });

  it("needs change_metadata on the referrer and view on each target; a referrer the caller may not view is listed without its name", async () => {
    const page = await resource("Alice's page");
    const bobsPrivate = await resource("bob-private.jpg", "Private", (await db.prisma.user.findUniqueOrThrow({ where: { username: "bob" } })).id);
    const shared = await resource("shared.jpg", "Public");
    // Bob may view alice's page? No (Private): 404. A Public resource he may view but not change: 403.
    expect((await setUses(page, "x", [shared], bob)).status).toBe(404);
    const publicPage = await resource("Public page", "Public");
    expect((await setUses(publicPage, "x", [shared], bob)).status).toBe(403);
    // Alice may not point at what she cannot view: refused as unknown, naming its place.
    const hidden = await setUses(page, "x", [shared, bobsPrivate]);
    expect(hidden.status).toBe(400);
    expect(hidden.body.errors[0].source).toEqual({ pointer: "/data/1/id" });
    expect((await setUses(page, "x", ["not-an-id"])).status).toBe(400);
    expect((await setUses(page, "bad field!", [shared])).status).toBe(400);
    expect(await rows(shared)).toEqual([]);

    expect((await setUses(page, "x", [shared])).status).toBe(200);
    const seenByBob = await request(app).get(`/resources/${shared}/references`).set(bob);
    expect(seenByBob.body).toEqual({ data: [{ type: "resource", id: String(page), attributes: { name: null, field: "x" } }], meta: { total_count: 1, in_use: true } });
  });
});
