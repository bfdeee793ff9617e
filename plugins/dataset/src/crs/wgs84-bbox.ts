import proj4 from "proj4";
import type { BBox, CrsInfo } from "./crs-info.js";

/** Points per bbox edge: projected edges are curves in WGS84, so corners alone can miss the extent. */
const EDGE_POINTS = 21;

/**
 * The WGS84 longitude/latitude bbox of `bbox` in `crs`: the min/max of its edges densified to
 * {@link EDGE_POINTS} points each and transformed with proj4 (as GDAL's OCTTransformBounds does).
 * Null when the bbox falls outside the projection's domain.
 */
export function wgs84BBox(crs: CrsInfo, bbox: BBox): BBox | null {
  if (crs.epsg === 4326) return [...bbox];
  const forward = proj4(crs.definition, "EPSG:4326");
  const [minX, minY, maxX, maxY] = bbox;
  const out: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < EDGE_POINTS; i += 1) {
    const t = i / (EDGE_POINTS - 1);
    const x = minX + t * (maxX - minX);
    const y = minY + t * (maxY - minY);
    for (const point of [[x, minY], [x, maxY], [minX, y], [maxX, y]] as [number, number][]) {
      const [lon, lat] = forward.forward(point);
      if (!Number.isFinite(lon) || !Number.isFinite(lat)) continue;
      out[0] = Math.min(out[0], lon!);
      out[1] = Math.min(out[1], lat!);
      out[2] = Math.max(out[2], lon!);
      out[3] = Math.max(out[3], lat!);
    }
  }
  return Number.isFinite(out[0]) ? out : null;
}
