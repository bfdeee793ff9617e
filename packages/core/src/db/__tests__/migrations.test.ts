import { createTestDatabase } from "../../testing/test-database.js";
import { migrate } from "../migrate.js";
import { defaultMigrationsDir } from "../paths.js";
import type { Database } from "../open-database.js";

describe("migrations", () => {
  let db: Database;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  it("applies every migration once and is a no-op the second time", async () => {
    expect(await migrate(db, defaultMigrationsDir)).toEqual([]);
    const rows = await db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(2);
  });

  it("stores and reads back every core model, including BigInt, Json and arrays", async () => {
    const org = await db.prisma.organisation.create({ data: { name: "Nelen & Schuurmans" } });
    const user = await db.prisma.user.create({
      data: { username: "alice", memberships: { create: { organisation_id: org.id, role: "admin" } } },
    });
    const group = await db.prisma.group.create({ data: { name: "hydrologists", members: { create: { user_id: user.id } } } });
    await db.prisma.apiKey.create({ data: { prefix: "abc", secret_hash: "x", user_id: user.id, scopes: ["read"] } });
    const resource = await db.prisma.resource.create({
      data: { type: "raster_source", name: "Demo DEM", organisation_id: org.id, owner_id: user.id, tags: ["dem"], extra_metadata: { a: 1 } },
    });
    await db.prisma.permissionGrant.create({ data: { resource_id: resource.id, subject_type: "group", group_id: group.id, permission: "view" } });
    const upload = await db.prisma.upload.create({
      data: { filename: "big.tif", size: 603_984_776n * 10n, resource_id: resource.id, uploader_id: user.id },
    });
    await db.prisma.job.create({ data: { kind: "process-upload", subject_id: upload.id } });
    await db.prisma.storedObject.create({ data: { sha256: "f".repeat(64), size: 1n } });

    const found = await db.prisma.resource.findFirstOrThrow({
      where: { name: { contains: "dem", mode: "insensitive" }, tags: { has: "dem" } },
      include: { organisation: true, uploads: true, grants: true },
    });
    expect(found.organisation?.name).toBe("Nelen & Schuurmans");
    expect(found.uploads[0]!.size).toBe(6_039_847_760n);
    expect(found.extra_metadata).toEqual({ a: 1 });
    expect(found.grants).toHaveLength(1);
  });
});
