/**
 * Hostile and odd images through POST /uploads and the image-asset pipeline (issue 16,
 * acceptance): a decompression bomb, a truncated JPEG and a PNG with a bad CRC end `rejected`
 * with the decoder's reason after one attempt, leaving no object, thumbnail or derivative in
 * storage; files that are not images become plain assets; an SVG takes its size from its viewBox.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { filesUnder } from "./helpers/pipeline.js";
import { serveImages, type ImageTestServer } from "./helpers/image-assets.js";

let server: ImageTestServer;
beforeAll(async () => {
  server = await serveImages();
}, 120_000);
afterAll(() => server?.close());
const upload: ImageTestServer["upload"] = (...args) => server.upload(...args);

/** Stored files (objects, thumbnails, derivatives) whose key names these bytes. */
async function storedFor(sha256: string): Promise<string[]> {
  return (await filesUnder(server.pipeline.root)).filter((f) => f.includes(sha256));
}

describe("hostile images through the pipeline", () => {
  it.each([
    ["bomb.png", /image-analysis: the image declares 50000 x 50000 pixels \(2500\.0 MP\), over the budget of 100\.0 MP/],
    ["truncated.jpg", /image-analysis: the image could not be decoded: .*premature end of JPEG/i],
    ["bad-crc.png", /image-analysis: the image could not be decoded: vipspng: libpng read error/],
  ])("%s ends rejected after one attempt with the decoder's reason, leaving nothing stored", async (name, reason) => {
    const { done, row } = await upload(name);
    expect(done.attributes.state).toBe("rejected");
    expect(done.attributes.state_detail).toMatch(reason);
    expect(row.attempts).toBe(1);
    expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await storedFor(row.sha256!)).toEqual([]);
    expect(await server.db.prisma.imageAsset.count({ where: { sha256: row.sha256 } })).toBe(0);
  });

  it("the bomb is a 60 KB-or-smaller file declaring 50000 x 50000", () => {
    const header = readFileSync(server.fixtures.path("bomb.png"));
    expect(header.length).toBeLessThan(60_000);
    expect([header.readUInt32BE(16), header.readUInt32BE(20)]).toEqual([50_000, 50_000]);
  });

  it("removes the thumbnail of an image rejected after it was made (its commit refused the client's metadata)", async () => {
    const { done, row } = await upload("solid.png", { default_field_metadata: JSON.stringify({ en: { focal_point: { x: 5, y: 0.5 } } }) }, "refused.png");
    expect(done.attributes.state).toBe("rejected");
    expect(done.attributes.state_detail).toMatch(/focal_point/);
    expect(await storedFor(row.sha256!)).toEqual([]);
  });

  it("keeps the thumbnail that a committed asset of the same bytes still uses", async () => {
    const kept = await upload("alpha.png");
    expect(kept.done.attributes.state).toBe("committed");
    const refused = await upload("alpha.png", { default_field_metadata: JSON.stringify({ en: { focal_point: { x: -1, y: 0 } } }) }, "again.png");
    expect(refused.done.attributes.state).toBe("rejected");
    expect((await storedFor(kept.row.sha256!)).sort()).toEqual([expect.stringMatching(/^derivatives\/.*\/thumbnail-400\.webp$/), expect.stringMatching(/^objects\//)]);
  });

  it.each([
    ["document.pdf", "pdf"],
    ["notes.txt", "txt"],
  ])("commits %s, which is no image, as a plain asset with is_image false", async (name, format) => {
    const { done, row } = await upload(name);
    expect(done.attributes.state).toBe("committed");
    const asset = await server.db.prisma.imageAsset.findFirstOrThrow({ where: { sha256: row.sha256 } });
    expect(asset).toMatchObject({ is_image: false, format, width: null, height: null, thumbnail_key: null });
  });

  it("commits a zip as a plain asset", async () => {
    // A stored (uncompressed) zip of one empty file, written by hand: local header, central directory, end record.
    const name = Buffer.from("a.txt");
    const local = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(12), Buffer.from([name.length, 0, 0, 0]), name]);
    const central = Buffer.concat([Buffer.from([0x50, 0x4b, 0x01, 0x02, 10, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0]), Buffer.alloc(12), Buffer.from([name.length, 0]), Buffer.alloc(12), name]);
    const end = Buffer.concat([Buffer.from([0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 1, 0, 1, 0]), Buffer.from(Uint32Array.of(central.length).buffer), Buffer.from(Uint32Array.of(local.length).buffer), Buffer.from([0, 0])]);
    writeFileSync(server.fixtures.path("archive.zip"), Buffer.concat([local, central, end]));
    const { done, row } = await upload("archive.zip");
    expect(done.attributes.state).toBe("committed");
    expect(row.mime_type).toBe("application/zip");
    expect(await server.db.prisma.imageAsset.findFirstOrThrow({ where: { sha256: row.sha256 } })).toMatchObject({ is_image: false, format: "zip" });
  });

  it("takes an SVG's width and height from its viewBox, and a 9000000 x 6000000 one is refused unrendered", async () => {
    const drawing = await upload("drawing.svg");
    expect(drawing.done.attributes.state).toBe("committed");
    expect(await server.db.prisma.imageAsset.findFirstOrThrow({ where: { sha256: drawing.row.sha256 } })).toMatchObject({ is_image: true, format: "svg", width: 120, height: 60 });
    const huge = await upload("huge.svg");
    expect(await server.db.prisma.imageAsset.findFirstOrThrow({ where: { sha256: huge.row.sha256 } })).toMatchObject({ width: 90000, height: 60000 });
    const giant = await upload("giant.svg");
    expect(giant.done.attributes.state).toBe("rejected");
    expect(giant.done.attributes.state_detail).toMatch(/over the budget/);
    expect(await storedFor(giant.row.sha256!)).toEqual([]);
  });
});
