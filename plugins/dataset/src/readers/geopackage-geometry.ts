/**
 * A GeoPackage geometry blob (GeoPackage 1.x, clause 2.1.3): the `GP` header (magic, version,
 * flags, srs_id, optional envelope), then ISO WKB, which wkx turns into GeoJSON.
 */
import type { Geometry } from "geojson";
import wkx from "wkx";
import { InvalidDatasetError } from "../errors.js";
import { checkGeometry } from "../geometry.js";

/** Envelope sizes in bytes by the flags' envelope indicator (bits 1-3): none, xy, xyz, xym, xyzm. */
const ENVELOPE_BYTES = [0, 32, 48, 48, 64];

/** The parsed fixed part of a blob's header. */
export interface GeoPackageBlobHeader {
  /** Set by the flags' empty bit: the geometry is empty (GDAL writes an empty point as NaN NaN). */
  empty: boolean;
  srsId: number;
  /** Where the WKB starts. */
  wkbOffset: number;
}

/** Reads the header of a GeoPackage geometry blob; `where` names the feature in errors. */
export function parseBlobHeader(blob: Uint8Array, where: string): GeoPackageBlobHeader {
  if (blob.length < 8 || blob[0] !== 0x47 || blob[1] !== 0x50) {
    throw new InvalidDatasetError("GEOPACKAGE_INVALID", `${where}: the geometry is not a GeoPackage geometry blob (no 'GP' header)`);
  }
  if (blob[2] !== 0) throw new InvalidDatasetError("GEOPACKAGE_INVALID", `${where}: unknown GeoPackage geometry blob version ${blob[2]}`);
  const flags = blob[3]!;
  if (flags & 0x20) throw new InvalidDatasetError("GEOPACKAGE_INVALID", `${where}: extended (non-standard) GeoPackage geometries are not supported`);
  const envelope = ENVELOPE_BYTES[(flags >> 1) & 0x07];
  if (envelope === undefined) throw new InvalidDatasetError("GEOPACKAGE_INVALID", `${where}: invalid envelope indicator in the geometry header`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const wkbOffset = 8 + envelope;
  if (blob.length < wkbOffset) throw new InvalidDatasetError("GEOPACKAGE_INVALID", `${where}: the geometry blob is shorter than its header`);
  return { empty: (flags & 0x10) !== 0, srsId: view.getInt32(4, (flags & 0x01) === 1), wkbOffset };
}

/** The GeoJSON geometry of a blob; null for SQL NULL and for empty geometries. */
export function parseGeoPackageGeometry(blob: unknown, where: string): Geometry | null {
  if (blob === null || blob === undefined) return null;
  if (!(blob instanceof Uint8Array)) throw new InvalidDatasetError("GEOPACKAGE_INVALID", `${where}: the geometry column holds a ${typeof blob}, not a geometry blob`);
  const header = parseBlobHeader(blob, where);
  if (header.empty) return null;
  let parsed: unknown;
  try {
    parsed = wkx.Geometry.parse(Buffer.from(blob.buffer, blob.byteOffset + header.wkbOffset, blob.byteLength - header.wkbOffset)).toGeoJSON();
  } catch (error) {
    throw new InvalidDatasetError("GEOPACKAGE_INVALID", `${where}: unreadable WKB geometry: ${(error as Error).message}`, { cause: error });
  }
  return checkGeometry(parsed, where);
}
