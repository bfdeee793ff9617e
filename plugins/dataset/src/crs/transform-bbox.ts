import { loadProj4 } from "../libraries.js";
import type { BBox, CrsInfo } from "./crs-info.js";

/** Points per bbox edge: projected edges are curves in the other CRS, so corners alone can miss the extent. */
const EDGE_POINTS = 21;

/**
 * `bbox` (in `from`) as a bbox in `to`: the min/max of its edges densified to {@link EDGE_POINTS}
 * points each, transformed with proj4 (as GDAL's OCTTransformBounds). Null when no edge point
 * lands inside `to`'s domain.
 */
export function transformBBox(from: CrsInfo, to: CrsInfo, bbox: BBox): BBox | null {
  if (from.definition === to.definition || (from.epsg !== null && from.epsg === to.epsg)) return [...bbox];
  const converter = loadProj4()(from.definition, to.definition);
  const [minX, minY, maxX, maxY] = bbox;
  const out: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < EDGE_POINTS; i += 1) {
    const t = i / (EDGE_POINTS - 1);
    const x = minX + t * (maxX - minX);
    const y = minY + t * (maxY - minY);
    for (const point of [[x, minY], [x, maxY], [minX, y], [maxX, y]] as [number, number][]) {
      const [tx, ty] = converter.forward(point);
      if (!Number.isFinite(tx) || !Number.isFinite(ty)) continue;
      out[0] = Math.min(out[0], tx!);
      out[1] = Math.min(out[1], ty!);
      out[2] = Math.max(out[2], tx!);
      out[3] = Math.max(out[3], ty!);
    }
  }
  return Number.isFinite(out[0]) ? out : null;
}
