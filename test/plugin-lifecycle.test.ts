import request from "supertest";
import { definePlugin, type Database, type Pipeline, type PluginContext } from "@assets/core";
import { createTestApp } from "./helpers/app.js";

describe("a plugin's init", () => {
  const calls: PluginContext[] = [];
  let db: Database;
  let app: Parameters<typeof request>[0];
  let pipeline: Pipeline;

  beforeAll(async () => {
    const plugin = definePlugin({
      name: "lifecycle",
      async init(ctx) {
        calls.push(ctx);
        await ctx.db.prisma.$queryRawUnsafe("SELECT 1"); // the database is up
      },
    });
    ({ db, app, pipeline } = await createTestApp({ plugins: [plugin], pipeline: { worker: false } }));
  });
  afterAll(async () => {
    await db.close();
  });

  it("runs once, with the database and a logger, before the first request, and not again for the worker", async () => {
    expect(calls).toHaveLength(0);
    const [first, second] = await Promise.all([request(app).get("/resources"), request(app).get("/health")]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.db.prisma).toBe(db.prisma);
    expect(typeof calls[0]!.log.info).toBe("function");
    await pipeline.startWorker(1);
    expect(calls).toHaveLength(1);
  });
});
