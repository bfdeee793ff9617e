/**
 * A bounded random sample of a layer's features for drawing a thumbnail: at most
 * {@link SAMPLE_FEATURES} features (reservoir sampling over the whole file, not its first ones),
 * each line or ring thinned to at most {@link MAX_RING_POSITIONS} positions. Worst case ~16 MB.
 */
import type { Geometry, Position } from "geojson";
import { Reservoir } from "./random.js";

export const SAMPLE_FEATURES = 2_000;
export const MAX_RING_POSITIONS = 500;

function thin(line: Position[]): Position[] {
  if (line.length <= MAX_RING_POSITIONS) return line.map((p) => [p[0]!, p[1]!]);
  const step = line.length / (MAX_RING_POSITIONS - 1);
  const out: Position[] = [];
  for (let i = 0; i < MAX_RING_POSITIONS - 1; i += 1) {
    const p = line[Math.floor(i * step)]!;
    out.push([p[0]!, p[1]!]);
  }
  const last = line[line.length - 1]!;
  out.push([last[0]!, last[1]!]); // rings stay closed
  return out;
}

/** A copy of `geometry` with every line and ring thinned (2D positions only). */
export function thinGeometry(geometry: Geometry): Geometry {
  switch (geometry.type) {
    case "Point":
      return { type: "Point", coordinates: [geometry.coordinates[0]!, geometry.coordinates[1]!] };
    case "MultiPoint":
      return { type: "MultiPoint", coordinates: thin(geometry.coordinates) };
    case "LineString":
      return { type: "LineString", coordinates: thin(geometry.coordinates) };
    case "MultiLineString":
      return { type: "MultiLineString", coordinates: geometry.coordinates.map(thin) };
    case "Polygon":
      return { type: "Polygon", coordinates: geometry.coordinates.map(thin) };
    case "MultiPolygon":
      return { type: "MultiPolygon", coordinates: geometry.coordinates.map((polygon) => polygon.map(thin)) };
    case "GeometryCollection":
      return { type: "GeometryCollection", geometries: geometry.geometries.slice(0, 100).map(thinGeometry) };
  }
}

/** Keeps a uniform random sample of the geometries offered. */
export class FeatureSample {
  private readonly reservoir: Reservoir<Geometry>;

  constructor(capacity = SAMPLE_FEATURES) {
    this.reservoir = new Reservoir<Geometry>(capacity);
  }

  add(geometry: Geometry): void {
    this.reservoir.offer(() => thinGeometry(geometry));
  }

  get geometries(): Geometry[] {
    return this.reservoir.items;
  }
}
