/**
 * Offline CRS transformation to WGS84 with proj4 and the proj4-list EPSG definitions (proj4
 * itself knows only a handful of codes; proj4-list's EPSG:28992 carries the +towgs84 shift
 * that PROJ picks, within 1e-9 degrees of GDAL).
 */
import { epsgDefinitions, loadProj4 } from "./libraries.js";
import type { GeoTransform } from "./georef.js";

/** Longitude/latitude extent in WGS84 degrees. */
export interface WgsBounds {
  west: number;
  east: number;
  north: number;
  south: number;
}

type Forward = (xy: [number, number]) => [number, number];
const converters = new Map<number, Forward | null>();

function toWgs84(epsg: number): Forward | null {
  if (!converters.has(epsg)) {
    const def = epsgDefinitions()[`EPSG:${epsg}`]?.[1];
    let forward: Forward | null = null;
    if (def) {
      const converter = loadProj4()(def, "EPSG:4326");
      forward = (xy) => {
        const [x, y] = converter.forward(xy);
        return [x!, y!];
      };
    }
    converters.set(epsg, forward);
  }
  return converters.get(epsg)!;
}

/** A point transformation between two coordinate systems. */
export type PointTransform = (xy: [number, number]) => [number, number];

/**
 * The transformation from EPSG:`from` to EPSG:`to` (proj4 with the offline definitions), or
 * `null` when either code is unknown. Points outside a projection's domain give non-finite numbers.
 */
export function epsgTransform(from: number, to: number): PointTransform | null {
  const definitions = epsgDefinitions();
  const a = definitions[`EPSG:${from}`]?.[1];
  const b = definitions[`EPSG:${to}`]?.[1];
  if (!a || !b) return null;
  const converter = loadProj4()(a, b);
  return (xy) => {
    const [x, y] = converter.forward(xy);
    return [x!, y!];
  };
}

/** Parses "EPSG:28992" (case-insensitive) to 28992, or null. */
export function parseEpsg(projection: string): number | null {
  const m = /^EPSG:(\d{1,6})$/i.exec(projection.trim());
  return m ? Number(m[1]) : null;
}

/** Whether an offline definition exists for `epsg`. */
export function isKnownEpsg(epsg: number): boolean {
  return toWgs84(epsg) !== null;
}

/**
 * Transforms the four outer corners of the raster to EPSG:4326 and returns their min/max, as
 * `gdaltransform` on the corners would. Returns `null` for an unknown EPSG code.
 */
export function wgs84Bounds(epsg: number, gt: GeoTransform, width: number, height: number): WgsBounds | null {
  const forward = toWgs84(epsg);
  if (!forward) return null;
  const corners: [number, number][] = [[0, 0], [width, 0], [0, height], [width, height]];
  const lonlat = corners.map(([c, r]) => forward([gt[0] + c * gt[1] + r * gt[2], gt[3] + c * gt[4] + r * gt[5]]));
  const lons = lonlat.map((p) => p[0]);
  const lats = lonlat.map((p) => p[1]);
  return { west: Math.min(...lons), east: Math.max(...lons), north: Math.max(...lats), south: Math.min(...lats) };
}
