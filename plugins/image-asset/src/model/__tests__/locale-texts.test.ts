import { readFile } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import type { LocaleMetadata } from "../client-metadata.js";
import { localeTexts } from "../locale-texts.js";

const MIGRATION = new URL("../../../prisma/migrations/20261203160000_asset_locales/migration.sql", import.meta.url);

const ASSETS: Record<string, LocaleMetadata>[] = [
  { en: { alt: "A cat", title: "Cat", focal_point: { x: 0.5, y: 0.5 } }, it: { alt: "Un gatto" } },
  {},
  { de: { custom_data: { a: 1 } } },
];

describe("localeTexts", () => {
  it("gives a row per locale with its alt and title", () => {
    expect(localeTexts(ASSETS[0]!)).toEqual([{ locale: "en", alt: "A cat", title: "Cat" }, { locale: "it", alt: "Un gatto", title: null }]);
  });

  it("gives the rows the migration's backfill gives the assets from before the table", async () => {
    const db = new PGlite();
    try {
      await db.exec(`CREATE TABLE "ImageAsset" ("id" SERIAL PRIMARY KEY, "default_field_metadata" JSONB NOT NULL DEFAULT '{}')`);
      for (const metadata of ASSETS) await db.query(`INSERT INTO "ImageAsset" ("default_field_metadata") VALUES ($1)`, [JSON.stringify(metadata)]);
      await db.exec(await readFile(MIGRATION, "utf8"));
      const { rows } = await db.query<{ image_asset_id: number; locale: string; alt: string | null; title: string | null }>(
        `SELECT "image_asset_id", "locale", "alt", "title" FROM "ImageAssetLocale" ORDER BY "image_asset_id", "locale"`,
      );
      const expected = ASSETS.flatMap((metadata, i) => localeTexts(metadata).map((row) => ({ image_asset_id: i + 1, ...row })));
      expect(rows).toEqual(expected);
    } finally {
      await db.close();
    }
  });
});
