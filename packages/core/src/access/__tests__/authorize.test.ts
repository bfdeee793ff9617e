import { defineAbilityFor } from "../ability.js";
import { authorize } from "../authorize.js";
import { AppError } from "../../errors/index.js";
import type { Database } from "../../db/open-database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { createTestDatabase } from "../../testing/test-database.js";
import type { UserPrincipal } from "../../auth/principal.js";

/** The one "404 if the caller may not read it, else 403 if the action is not allowed" rule. */
describe("authorize", () => {
  let db: Database;
  const ids: Record<string, number> = {};

  const user = (id: number): UserPrincipal => ({ kind: "user", id, username: `u${id}`, isSuperuser: false, organisations: [], groupIds: [], scopes: [] });
  const ctxFor = (principal: UserPrincipal) => ({ db: db.prisma, ability: defineAbilityFor(principal) });
  const find = (where: Prisma.ResourceWhereInput) => db.prisma.resource.findFirst({ where });
  const messages = { notFound: "no such resource", forbidden: "not yours" };

  async function status(principal: UserPrincipal, name: string, action: "view" | "change"): Promise<number> {
    try {
      await authorize(ctxFor(principal), "Resource", { id: ids[name]! }, action, find, messages);
      return 200;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return error.status;
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    const owner = await db.prisma.user.create({ data: { username: "owner" } });
    const other = await db.prisma.user.create({ data: { username: "other" } });
    ids.owner = owner.id;
    ids.other = other.id;
    for (const access_modifier of ["Public", "Private"] as const) {
      const row = await db.prisma.resource.create({ data: { type: "resource", name: access_modifier, access_modifier, owner_id: owner.id } });
      ids[access_modifier] = row.id;
    }
  });
  afterAll(async () => {
    await db.close();
  });

  it("returns the row the owner may change", async () => {
    const row = await authorize(ctxFor(user(ids.owner!)), "Resource", { id: ids.Private! }, "change", find, messages);
    expect(row.name).toBe("Private");
  });

  it("answers 403 on a readable object the caller may not change", async () => {
    expect(await status(user(ids.other!), "Public", "view")).toBe(200);
    expect(await status(user(ids.other!), "Public", "change")).toBe(403);
  });

  it("answers 404, never 403, on an object the caller may not read, whatever the action", async () => {
    expect(await status(user(ids.other!), "Private", "view")).toBe(404);
    expect(await status(user(ids.other!), "Private", "change")).toBe(404);
  });

  it("carries the caller's messages", async () => {
    await expect(authorize(ctxFor(user(ids.other!)), "Resource", { id: ids.Private! }, "change", find, messages)).rejects.toMatchObject({ detail: "no such resource" });
    await expect(authorize(ctxFor(user(ids.other!)), "Resource", { id: ids.Public! }, "change", find, messages)).rejects.toMatchObject({ detail: "not yours" });
  });
});
