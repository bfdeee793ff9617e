/** GeoJSON's (pre-RFC 7946) `crs` member to a {@link CrsInfo}. */
import { InvalidDatasetError } from "../errors.js";
import type { CrsInfo } from "./crs-info.js";
import { crsFromEpsg } from "./epsg.js";

/** RFC 7946: GeoJSON coordinates are WGS84 longitude/latitude. */
export const WGS84: CrsInfo = crsFromEpsg(4326)!;

/**
 * Reads `{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}}` (also `EPSG:28992`
 * and OGC's CRS84); absent means WGS84. Throws `UNKNOWN_CRS` for a name it cannot resolve offline.
 */
export function crsFromGeoJsonMember(member: unknown): CrsInfo {
  if (member === undefined || member === null) return WGS84;
  const name = (member as { properties?: { name?: unknown } }).properties?.name;
  if (typeof name === "string") {
    if (/^urn:ogc:def:crs:OGC:(1\.3:)?CRS84$/i.test(name)) return WGS84;
    const m = /^(?:urn:ogc:def:crs:EPSG:[\d.]*:|EPSG:)(\d+)$/i.exec(name.trim());
    const info = m ? crsFromEpsg(Number(m[1]), name) : null;
    if (info) return info;
  }
  throw new InvalidDatasetError("UNKNOWN_CRS", `The GeoJSON crs member ${JSON.stringify(member).slice(0, 200)} names no coordinate system known offline`);
}
