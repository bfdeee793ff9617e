import { readFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { uploadTypeOf } from "../upload-type.js";

const MIGRATION = new URL("../../../prisma/migrations/20261203140000_upload_type/migration.sql", import.meta.url);

const SAMPLES = [
  "image/png", "IMAGE/JPEG; q=1", "image/svg+xml", "audio/mpeg", "video/mp4", "application/pdf", "application/zip", "application/x-7z-compressed",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation", "application/msword", "text/rtf", "application/vnd.ms-excel",
  "text/csv; charset=utf-8", "text/plain", "application/octet-stream", null,
];

describe("uploadTypeOf", () => {
  it("classes media types as DatoCMS's upload types", () => {
    expect(SAMPLES.map(uploadTypeOf)).toEqual([
      "image", "image", "image", "audio", "video", "pdfdocument", "archive", "archive", "presentation", "richtext", "richtext", "spreadsheet",
      "spreadsheet", "other", "other", "other",
    ]);
  });

  it("gives the type the migration's backfill gives the rows from before the column", async () => {
    const db = new PGlite();
    try {
      await db.exec(`CREATE TABLE "ImageAsset" ("id" SERIAL PRIMARY KEY, "mime_type" TEXT)`);
      for (const mime of SAMPLES) await db.query(`INSERT INTO "ImageAsset" ("mime_type") VALUES ($1)`, [mime]);
      await db.exec(await readFile(MIGRATION, "utf8"));
      const { rows } = await db.query<{ type: string }>(`SELECT "type" FROM "ImageAsset" ORDER BY "id"`);
      expect(rows.map((row) => row.type)).toEqual(SAMPLES.map(uploadTypeOf));
    } finally {
      await db.close();
    }
  });
});
