/**
 * The migration that makes first/last value timestamps non-null: rows stored before it (null
 * timestamps, a raster_source resource without its record) read as Lizard shows them.
 */
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database, defaultMigrationsDir, migrate, openDatabase } from "@assets/core";
import { rasterSourcePlugin } from "../../index.js";

const MIGRATION = "20261203073000_raster_value_timestamps_not_null";
const EPOCH = new Date("1970-01-01T00:00:00Z");

let db: Database;
let before: string;

beforeAll(async () => {
  // The core's migrations and the plugin's up to this one, applied to an empty database.
  const plugin = rasterSourcePlugin().migrations!;
  before = mkdtempSync(join(tmpdir(), "migrations-"));
  for (const name of readdirSync(plugin)) {
    if (name < MIGRATION) cpSync(join(plugin, name), join(before, name), { recursive: true });
  }
  db = await openDatabase({});
  await migrate(db, defaultMigrationsDir, [{ name: "raster-source", migrations: before }]);
});
afterAll(async () => {
  await db?.close();
  rmSync(before, { recursive: true, force: true });
});

test("null timestamps become the epoch, kept ones stay, and a raster_source without its record gets one", async () => {
  const sql = (text: string) => db.prisma.$executeRawUnsafe(text);
  for (const [type, name] of [["raster_source", "empty"], ["raster_source", "temporal"], ["raster_source", "no record"], ["resource", "not a raster"]]) {
    await db.prisma.resource.create({ data: { type: type!, name: name! } });
  }
  await sql(`INSERT INTO "RasterSource" (resource_id, temporal, first_value_timestamp, last_value_timestamp)
    SELECT id, name = 'temporal', CASE WHEN name = 'temporal' THEN timestamp '2024-01-01 01:00:00' END,
           CASE WHEN name = 'temporal' THEN timestamp '2024-01-01 02:00:00' END
    FROM "Resource" WHERE name IN ('empty', 'temporal')`);

  expect((await migrate(db, defaultMigrationsDir, [rasterSourcePlugin()]))[0]).toBe(`raster-source/${MIGRATION}`);

  const rows = await db.prisma.rasterSource.findMany({ include: { resource: { select: { name: true } } }, orderBy: { resource_id: "asc" } });
  expect(rows.map((r) => [r.resource.name, r.first_value_timestamp, r.last_value_timestamp])).toEqual([
    ["empty", EPOCH, EPOCH],
    ["temporal", new Date("2024-01-01T01:00:00Z"), new Date("2024-01-01T02:00:00Z")],
    ["no record", EPOCH, EPOCH],
  ]);
  // New rows take the epoch by default.
  const fresh = await db.prisma.resource.create({ data: { type: "raster_source", name: "new", raster_source: { create: {} } }, include: { raster_source: true } });
  expect(fresh.raster_source).toMatchObject({ first_value_timestamp: EPOCH, last_value_timestamp: EPOCH });
});
