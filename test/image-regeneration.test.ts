/**
 * The thumbnail regeneration job (issue 16 section 3): images committed with 400 px thumbnails,
 * then the configured side changes to 150 and the job brings every existing image up to date
 * from its original, which it never changes (sha256sum and mtime before and after). Sizes are
 * what ImageMagick's identify reads from the stored thumbnails.
 */
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { regenerateThumbnails } from "@assets/image-asset";
import { testLogger } from "./helpers/app.js";
import { serveImages, type ImageTestServer } from "./helpers/image-assets.js";
import { coreutilsDigests, filesUnder } from "./helpers/pipeline.js";

let server: ImageTestServer;
beforeAll(async () => {
  server = await serveImages();
}, 120_000);
afterAll(() => server?.close());

async function upload(name: string, filename = name) {
  expect((await server.upload(name, {}, filename)).done.attributes.state).toBe("committed");
}

const sizeOf = (key: string) => execFileSync("identify", ["-format", "%w %h", join(server.pipeline.root, key)], { encoding: "utf8" });

it("regenerates every image's thumbnail after the configured side changes, leaving the originals untouched", async () => {
  await upload("large.jpg");
  await upload("large.jpg", "same-bytes.jpg"); // shares its thumbnail with the first
  await upload("photo.jpg"); // EXIF-rotated: displayed 300 x 400
  await upload("document.pdf"); // no image, no thumbnail
  const before = await server.db.prisma.imageAsset.findMany({ orderBy: { id: "asc" } });
  expect(before.filter((a) => a.is_image).map((a) => a.thumbnail_key)).toEqual([
    expect.stringMatching(/\/thumbnail-400\.webp$/),
    expect.stringMatching(/\/thumbnail-400\.webp$/),
    expect.stringMatching(/\/thumbnail-400\.webp$/),
  ]);
  expect(sizeOf(before[0]!.thumbnail_key!)).toMatch(/^400 26[67]$/); // from the 512 px working copy: rounding
  const originals = before.map((a) => ({ key: a.storage_key, digest: coreutilsDigests(join(server.pipeline.root, a.storage_key)).sha256, mtime: statSync(join(server.pipeline.root, a.storage_key)).mtimeMs }));

  const report = await regenerateThumbnails({ db: server.db.prisma, storage: server.pipeline.storage, log: testLogger, thumbnailSide: 150, batchSize: 2 });
  expect(report).toEqual({ outdated: 3, regenerated: 3, failed: 0 });

  const after = await server.db.prisma.imageAsset.findMany({ orderBy: { id: "asc" } });
  expect(after.map((a) => a.thumbnail_key)).toEqual([
    expect.stringMatching(/\/thumbnail-150\.webp$/),
    expect.stringMatching(/\/thumbnail-150\.webp$/),
    expect.stringMatching(/\/thumbnail-150\.webp$/),
    null,
  ]);
  expect(sizeOf(after[0]!.thumbnail_key!)).toBe("150 100");
  expect(sizeOf(after[2]!.thumbnail_key!)).toMatch(/^11[23] 150$/); // 300 x 400 displayed
  // Nothing else of the assets changed, and the originals are byte for byte and by mtime the same.
  const withoutThumbnail = (rows: typeof before) => rows.map((row) => ({ ...row, thumbnail_key: undefined }));
  expect(withoutThumbnail(after)).toEqual(withoutThumbnail(before));
  for (const original of originals) {
    expect(coreutilsDigests(join(server.pipeline.root, original.key)).sha256).toBe(original.digest);
    expect(statSync(join(server.pipeline.root, original.key)).mtimeMs).toBe(original.mtime);
  }
  // The 400 px thumbnails are gone once no asset uses them.
  expect((await filesUnder(server.pipeline.root)).filter((f) => f.endsWith("thumbnail-400.webp"))).toEqual([]);

  expect(await regenerateThumbnails({ db: server.db.prisma, storage: server.pipeline.storage, log: testLogger, thumbnailSide: 150 })).toEqual({ outdated: 0, regenerated: 0, failed: 0 });
});
