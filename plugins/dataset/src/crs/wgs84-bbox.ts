import type { BBox, CrsInfo } from "./crs-info.js";
import { crsFromEpsg } from "./epsg.js";
import { transformBBox } from "./transform-bbox.js";

const WGS84 = crsFromEpsg(4326)!;

/**
 * The WGS84 longitude/latitude bbox of `bbox` in `crs`: its edges densified and transformed
 * with proj4 (as GDAL's OCTTransformBounds does, see {@link transformBBox}). Null when the bbox
 * falls outside the projection's domain.
 */
export function wgs84BBox(crs: CrsInfo, bbox: BBox): BBox | null {
  return transformBBox(crs, WGS84, bbox);
}
