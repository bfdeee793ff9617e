/**
 * A layer's coordinate reference system. `epsg` is set when the CRS was identified as an EPSG
 * code (from the file's authority, a known name or an unambiguous match of its parameters);
 * `definition` is always something proj4 transforms with, offline: the EPSG code's proj4 string
 * (with its datum shift) when identified, else the file's own WKT.
 */
export interface CrsInfo {
  epsg: number | null;
  definition: string;
  /** The CRS's name as the file gives it, when it gives one. */
  name?: string;
}

/** A rectangle `[minX, minY, maxX, maxY]` in some CRS's coordinates. */
export type BBox = [number, number, number, number];
