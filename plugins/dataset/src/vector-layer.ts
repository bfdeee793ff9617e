import type { Geometry } from "geojson";
import type { CrsInfo } from "./crs/crs-info.js";

/** An attribute value as the readers produce it (dates as ISO `YYYY-MM-DD` strings). */
export type AttributeValue = string | number | boolean | null;

/** One feature as read from a file: its geometry (null when absent) and attributes. */
export interface VectorFeature {
  geometry: Geometry | null;
  properties: Record<string, AttributeValue>;
}

/** The kind of values an attribute holds, as GDAL names its field types. */
export type AttributeType = "Integer" | "Real" | "String" | "Date" | "DateTime" | "Boolean";

/** An attribute a format declares in its header (Shapefile's .dbf, FlatGeobuf's columns). */
export interface DeclaredField {
  name: string;
  type: AttributeType;
}

/** What a format knows about a layer beside its features. */
export interface LayerInfo {
  /** Format key: `geojson`, `shapefile`, `csv`, `flatgeobuf`. */
  format: string;
  /** The layer's coordinate reference system; null when the file does not say and the format has no default. */
  crs: CrsInfo | null;
  /** Attributes the file declares, in order; absent for formats without a schema (GeoJSON, CSV). */
  fields?: DeclaredField[];
  /** Geometry type the file declares (Shapefile, FlatGeobuf), in GeoJSON's names, `Geometry` for mixed. */
  geometryType?: string;
  /** Feature count the header declares, checked against what is read. */
  declaredCount?: number;
}

/**
 * A vector layer being read in one pass. `features` may be iterated once; `info()` is final
 * after the iteration ended (GeoJSON may name its CRS after its features).
 */
export interface VectorLayer {
  features: AsyncIterable<VectorFeature>;
  info(): LayerInfo;
}
