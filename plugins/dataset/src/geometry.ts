/** Checking GeoJSON geometries and walking their positions. */
import type { Geometry, Position } from "geojson";
import { InvalidDatasetError } from "./errors.js";

/** Nesting depth of `coordinates` per geometry type (Point: a position, Polygon: rings of positions). */
const DEPTH: Record<string, number> = { Point: 0, MultiPoint: 1, LineString: 1, MultiLineString: 2, Polygon: 2, MultiPolygon: 3 };

function isPosition(value: unknown): value is Position {
  return Array.isArray(value) && value.length >= 2 && value.every((n) => typeof n === "number" && Number.isFinite(n));
}

function checkCoordinates(value: unknown, depth: number): boolean {
  if (depth === 0) return isPosition(value);
  return Array.isArray(value) && value.every((child) => checkCoordinates(child, depth - 1));
}

/**
 * `value` as a GeoJSON geometry, `null` for a null geometry; throws `INVALID_GEOMETRY` (naming
 * `where`) for anything else, e.g. an unknown type or coordinates that are not numbers.
 */
export function checkGeometry(value: unknown, where: string): Geometry | null {
  if (value === null || value === undefined) return null;
  const g = value as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  if (g.type === "GeometryCollection") {
    if (!Array.isArray(g.geometries)) throw new InvalidDatasetError("INVALID_GEOMETRY", `${where}: a GeometryCollection needs a geometries array`);
    g.geometries.forEach((child, i) => {
      if (checkGeometry(child, `${where}, geometry ${i}`) === null) throw new InvalidDatasetError("INVALID_GEOMETRY", `${where}: geometry ${i} is null`);
    });
    return value as Geometry;
  }
  const depth = typeof g.type === "string" ? DEPTH[g.type] : undefined;
  if (depth === undefined) throw new InvalidDatasetError("INVALID_GEOMETRY", `${where}: unknown geometry type ${JSON.stringify(g.type)}`);
  if (!checkCoordinates(g.coordinates, depth)) {
    throw new InvalidDatasetError("INVALID_GEOMETRY", `${where}: the coordinates of a ${g.type} must be ${"arrays of ".repeat(depth)}[x, y] number pairs`);
  }
  return value as Geometry;
}

/** Calls `visit(x, y)` for every position of `geometry`. */
export function eachPosition(geometry: Geometry, visit: (x: number, y: number) => void): void {
  switch (geometry.type) {
    case "Point":
      visit(geometry.coordinates[0]!, geometry.coordinates[1]!);
      return;
    case "MultiPoint":
    case "LineString":
      for (const p of geometry.coordinates) visit(p[0]!, p[1]!);
      return;
    case "MultiLineString":
    case "Polygon":
      for (const line of geometry.coordinates) for (const p of line) visit(p[0]!, p[1]!);
      return;
    case "MultiPolygon":
      for (const polygon of geometry.coordinates) for (const ring of polygon) for (const p of ring) visit(p[0]!, p[1]!);
      return;
    case "GeometryCollection":
      for (const child of geometry.geometries) eachPosition(child, visit);
  }
}
