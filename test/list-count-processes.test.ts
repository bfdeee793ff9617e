import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { Express } from "express";
import type { Database } from "@assets/core";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { startChildServer, type ChildServer } from "./helpers/child-server.js";

/**
 * Two server instances on one PostgreSQL database (this test's app and a
 * child process), each remembering list counts per generation: a write
 * through either one is counted by the very next list on the other, and a
 * write that rolls back changes no count. Needs DATABASE_URL.
 */
const shared = process.env.DATABASE_URL ? describe : describe.skip;

shared("exact counts across two server processes", () => {
  let db: Database;
  let app: Express;
  let child: ChildServer;
  let auth: { Authorization: string };
  const childAuth = () => ({ Authorization: `Bearer ${child.key}` });
  const LIST = "/resources?filter[fields][name][contains]=two-process&page[limit]=1";

  const countHere = async () => (await request(app).get(LIST).set(auth).expect(200)).body.meta.total_count as number;
  const countThere = async () => {
    const res = await fetch(`http://127.0.0.1:${child.port}${LIST}`, { headers: childAuth() });
    expect(res.status).toBe(200);
    return ((await res.json()) as { meta: { total_count: number } }).meta.total_count;
  };
  const createThere = async (name: string) => {
    const res = await fetch(`http://127.0.0.1:${child.port}/resources`, {
      method: "POST",
      headers: { ...childAuth(), "content-type": "application/json" },
      body: JSON.stringify({ data: { type: "resource", attributes: { name, access_modifier: "Public" } } }),
    });
    expect(res.status).toBe(201);
  };

  beforeAll(async () => {
    ({ db, app } = await createTestApp());
    ({ auth } = await userWithKey(db, "lister"));
    child = await startChildServer((await import("node:os")).tmpdir(), { DATABASE_URL: db.url ?? "" });
  }, 300_000);

  afterAll(async () => {
    await child?.crash();
    await db?.close();
  });

  it("counts every write of the other process on the next list, and no rolled-back one", async () => {
    expect(await countHere()).toBe(0);
    expect(await countThere()).toBe(0);
    for (let i = 1; i <= 6; i++) {
      // Each side has just remembered the count; the other side writes; the next list is exact.
      if (i % 2) await createThere(`two-process ${i}`);
      else await request(app).post("/resources").set(auth).send({ data: { type: "resource", attributes: { name: `two-process ${i}`, access_modifier: "Public" } } }).expect(201);
      expect(await countHere()).toBe(i);
      expect(await countThere()).toBe(i);
    }
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.resource.create({ data: { type: "resource", name: "two-process rolled back", access_modifier: "Public" } });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await countThere()).toBe(6);
    await db.prisma.resource.updateMany({ where: { name: { startsWith: "two-process" } }, data: { access_modifier: "Hidden" } });
    // Hidden resources leave the listing: the other process's remembered 6 is not used.
    expect(await countThere()).toBe(0);
    expect(await countHere()).toBe(0);
  });
});
