import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

describe("plugins' migrations", () => {
  let db: Database;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), "plugin-migrations-"));
    for (const [name, sql] of [
      ["20260101000000_widgets", `CREATE TABLE "Widget" (id SERIAL PRIMARY KEY, resource_id INTEGER NOT NULL REFERENCES "Resource"(id) ON DELETE CASCADE);`],
      ["20260102000000_widget_size", `ALTER TABLE "Widget" ADD COLUMN size INTEGER NOT NULL DEFAULT 0;`],
    ]) {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, "migration.sql"), sql);
    }
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("applies a plugin's folders after the core's, in order, recorded under the plugin's name, once", async () => {
    const plugin = { name: "widgets", migrations: dir };
    expect(await migrate(db, defaultMigrationsDir, [plugin])).toEqual(["widgets/20260101000000_widgets", "widgets/20260102000000_widget_size"]);
    expect(await migrate(db, defaultMigrationsDir, [plugin])).toEqual([]);
    const columns = await db.prisma.$queryRawUnsafe<{ column_name: string }[]>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'Widget' ORDER BY column_name`);
    expect(columns.map((c) => c.column_name)).toEqual(["id", "resource_id", "size"]);
  });

  it("counts a folder recorded under its bare name (applied when the core still carried it) as applied", async () => {
    await db.execScript(`DELETE FROM "_prisma_migrations" WHERE migration_name LIKE 'widgets/%'`);
    await db.execScript(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) ` +
        `VALUES ('00000000-0000-0000-0000-000000000001', 'x', now(), '20260101000000_widgets', 1), ('00000000-0000-0000-0000-000000000002', 'x', now(), '20260102000000_widget_size', 1)`,
    );
    expect(await migrate(db, defaultMigrationsDir, [{ name: "widgets", migrations: dir }])).toEqual([]);
  });
});
