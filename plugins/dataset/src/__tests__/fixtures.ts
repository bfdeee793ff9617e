/** Deterministic test layers, written as GeoJSON for ogr2ogr and the readers alike. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** A temporary directory removed by `cleanup()`. */
export function tempDir(): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "dataset-test-"));
  return { dir, file: (name) => path.join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `count` polygons around the Netherlands with integer, real, string and date attributes (some null, some not ASCII). */
export function polygonCollection(count: number): object {
  const features = [];
  for (let i = 0; i < count; i += 1) {
    const lon = 3.5 + ((i * 37) % 100) / 30;
    const lat = 50.8 + ((i * 53) % 100) / 40;
    const d = 0.01 + (i % 7) / 200;
    features.push({
      type: "Feature",
      properties: {
        name: `parcel-${String((i * 7919) % count).padStart(4, "0")}`,
        population: (i * 7907) % 1000,
        area: Math.round(((i * 104729) % 10007) * 1.37) / 100,
        kind: i % 5 === 0 ? null : ["field", "forest", "water", "Zürich", "Ærø"][i % 5],
        surveyed: i % 4 === 0 ? null : `20${String(10 + (i % 14))}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`,
      },
      geometry: { type: "Polygon", coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]] },
    });
  }
  return { type: "FeatureCollection", features };
}

export function writeJson(file: string, value: unknown): string {
  writeFileSync(file, JSON.stringify(value));
  return file;
}
