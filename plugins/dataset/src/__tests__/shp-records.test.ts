import { readFileSync } from "node:fs";
import type { Geometry } from "geojson";
import { fileByteSource } from "../byte-source.js";
import { readZippedShapefile } from "../index.js";
import { tempDir, writeJson } from "./fixtures.js";
import { ogr2ogr } from "./ogr.js";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const ring = (x: number, y: number, d: number, clockwise: boolean) => {
  const r = [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];
  return clockwise ? r.reverse() : r;
};
/** Each shape type with the cases its decoding has: parts, holes, several outer rings, Z, nulls. */
const LAYERS: Record<string, Geometry[]> = {
  lines: Array.from({ length: 30 }, (_, i) => (i % 3 === 0
    ? { type: "MultiLineString", coordinates: [[[i, 0], [i + 1, 1]], [[i, 2], [i + 1, 3], [i + 2, 2]]] }
    : { type: "LineString", coordinates: [[i, 0], [i + 0.5, 1 + i / 10], [i + 1, 0]] })),
  polygons: Array.from({ length: 30 }, (_, i) => (i % 2 === 0
    ? { type: "Polygon", coordinates: [ring(i * 10, 0, 8, false), ring(i * 10 + 2, 2, 2, true)] }
    : { type: "MultiPolygon", coordinates: [[ring(i * 10, 0, 3, false)], [ring(i * 10 + 4, 4, 3, false), ring(i * 10 + 5, 5, 1, true)]] })),
  multipoints: Array.from({ length: 30 }, (_, i) => ({ type: "MultiPoint", coordinates: [[i, i], [i + 0.25, -i], [-i, 0.5]] })),
  pointsz: Array.from({ length: 30 }, (_, i) => ({ type: "Point", coordinates: [i / 3, -i / 7, i * 10] })),
};

/** GeoJSON positions in 2D (our reader drops Z and M, as mbostock's shapefile does), to 12 digits (GDAL writes 15). */
function flat(value: unknown): unknown {
  if (Array.isArray(value) && typeof value[0] === "number") return (value as number[]).slice(0, 2).map((v) => Number(v.toPrecision(12)));
  return Array.isArray(value) ? value.map(flat) : value;
}

describe("the .shp record reader, against GDAL's reading of the same shapefile", () => {
  it.each(Object.keys(LAYERS))("decodes %s as ogr2ogr -f GeoJSON does", async (name) => {
    const source = writeJson(tmp.file(`${name}.geojson`), { type: "FeatureCollection", features: LAYERS[name]!.map((geometry, i) => ({ type: "Feature", properties: { n: i }, geometry: i === 7 ? null : geometry })) });
    const zip = tmp.file(`${name}.shp.zip`);
    ogr2ogr(["-f", "ESRI Shapefile", zip, source, "-nln", name]);
    const truthFile = tmp.file(`${name}-truth.geojson`);
    ogr2ogr(["-f", "GeoJSON", truthFile, `/vsizip/${zip}`]);
    const truth = JSON.parse(readFileSync(truthFile, "utf8")) as { features: { geometry: Geometry | null; properties: { n: number } }[] };
    const layer = await readZippedShapefile(await fileByteSource(zip));
    const ours: { geometry: Geometry | null; n: unknown }[] = [];
    for await (const f of layer.features) ours.push({ geometry: f.geometry, n: f.properties.n });
    expect(ours.length).toBe(truth.features.length);
    expect(ours.map((f) => f.n)).toEqual(truth.features.map((f) => f.properties.n));
    expect(ours.map((f) => f.geometry && { type: f.geometry.type, coordinates: flat((f.geometry as { coordinates: unknown }).coordinates) }))
      .toEqual(truth.features.map((f) => f.geometry && { type: f.geometry.type, coordinates: flat((f.geometry as { coordinates: unknown }).coordinates) }));
  });
});
