import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import sharp from "sharp";
import { spawnSync } from "node:child_process";
import { fileByteSource } from "../byte-source.js";
import { crsFromEpsg, readGeoJson, readZippedShapefile, renderThumbnail, SAMPLE_FEATURES, summarizeLayer } from "../index.js";
import { tempDir, writeJson } from "./fixtures.js";
import { ogr2ogr } from "./ogr.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());
/** A grid of squares, some with a hole, some wound clockwise (against RFC 7946) to exercise the rewinding. */
function squares(): object {
  const features = [];
  for (let i = 0; i < 6; i += 1) {
    for (let j = 0; j < 4; j += 1) {
      const [x, y, d] = [3.6 + i * 0.55, 50.9 + j * 0.6, 0.4];
      let outer = [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];
      if ((i + j) % 3 === 0) outer = outer.reverse();
      const rings = [outer];
      if ((i + j) % 2 === 0) rings.push([[x + 0.1, y + 0.1], [x + 0.1, y + 0.3], [x + 0.3, y + 0.3], [x + 0.3, y + 0.1], [x + 0.1, y + 0.1]]);
      features.push({ type: "Feature", properties: { i, j }, geometry: { type: "Polygon", coordinates: rings } });
    }
  }
  return { type: "FeatureCollection", features };
}
const source = writeJson(tmp.file("squares.geojson"), squares());

/**
 * Our drawn pixels against GDAL's rasterization of the same features in the same extent:
 * `recall`, the share of GDAL's pixels we drew, and `precision`, the share of ours GDAL has
 * (below 1 mostly from the outline's half pixel outside each polygon).
 */
async function overlapWithGdal(thumbnail: Awaited<ReturnType<typeof renderThumbnail>>, file: string): Promise<{ recall: number; precision: number }> {
  const projected = tmp.file(`projected-${Math.random().toString(36).slice(2)}.geojson`);
  ogr2ogr(["-f", "GeoJSON", "-t_srs", thumbnail.projection, projected, file]);
  const raster = tmp.file(`burned-${Math.random().toString(36).slice(2)}.tif`);
  const [minX, minY, maxX, maxY] = thumbnail.extent;
  const result = spawnSync("gdal_rasterize", ["-q", "-burn", "255", "-ot", "Byte", "-ts", String(thumbnail.width), String(thumbnail.height), "-te", String(minX), String(minY), String(maxX), String(maxY), projected, raster]);
  expect(result.status).toBe(0);
  const gdal = await sharp(raster).extractChannel(0).raw().toBuffer();
  const ours = await sharp(thumbnail.png).ensureAlpha().extractChannel(3).raw().toBuffer();
  expect(ours.length).toBe(gdal.length);
  let both = 0;
  let drawn = 0;
  let burned = 0;
  for (let i = 0; i < ours.length; i += 1) {
    const a = ours[i]! > 127;
    const b = gdal[i]! > 0;
    if (a && b) both += 1;
    if (a) drawn += 1;
    if (b) burned += 1;
  }
  return { recall: both / burned, precision: both / drawn };
}

describe("thumbnails drawn from the feature sample", () => {
  it("draws WGS84 polygons, holes included, where GDAL rasterizes them (Web Mercator)", async () => {
    const { summary, sample } = await summarizeLayer(readGeoJson(createReadStream(source)));
    const thumbnail = await renderThumbnail(sample, summary.crs!);
    const meta = await sharp(thumbnail.png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 240, 180]);
    expect(thumbnail.projection).toBe("EPSG:3857");
    const { recall, precision } = await overlapWithGdal(thumbnail, source);
    expect(recall).toBeGreaterThan(0.97);
    expect(precision).toBeGreaterThan(0.8);
  });

  it("reprojects a shapefile's sample from its CRS first", async () => {
    const zip = tmp.file("squares.shp.zip");
    ogr2ogr(["-f", "ESRI Shapefile", "-t_srs", "EPSG:28992", zip, source, "-nln", "squares"]);
    const { summary, sample } = await summarizeLayer(await readZippedShapefile(await fileByteSource(zip)));
    expect(summary.crs?.epsg).toBe(28992);
    const thumbnail = await renderThumbnail(sample, summary.crs!, { width: 320, height: 200 });
    const { recall, precision } = await overlapWithGdal(thumbnail, `/vsizip/${zip}`);
    expect(recall).toBeGreaterThan(0.97);
    expect(precision).toBeGreaterThan(0.8);
  });

  it("draws a single point, and nothing for an empty layer, without failing", async () => {
    const point = await renderThumbnail([{ type: "Point", coordinates: [4.9, 52.37] }], crsFromEpsg(4326)!);
    const stats = await sharp(point.png).stats();
    expect(stats.channels[3]!.max).toBe(255);
    const empty = await renderThumbnail([], crsFromEpsg(4326)!);
    expect((await sharp(empty.png).stats()).channels[3]!.max).toBe(0);
  });

  it(`keeps at most ${SAMPLE_FEATURES} features, sampled from the whole file`, async () => {
    const n = SAMPLE_FEATURES * 3;
    async function* features() {
      yield '{"type":"FeatureCollection","features":[';
      for (let i = 0; i < n; i += 1) yield `${i ? "," : ""}{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[${i / 100},0]}}`;
      yield "]}";
    }
    const { summary, sample } = await summarizeLayer(readGeoJson(Readable.from(features())));
    expect(summary.featureCount).toBe(n);
    expect(sample.length).toBe(SAMPLE_FEATURES);
    const xs = sample.map((g) => (g as { coordinates: number[] }).coordinates[0]!);
    expect(Math.max(...xs)).toBeGreaterThan((n / 100) * 0.9); // not just the first features
  });
});
