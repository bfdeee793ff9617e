/**
 * FlatGeobuf read as a stream with the flatgeobuf package (features one at a time; the spatial
 * index is skipped). The header gives the CRS, the columns, the geometry type and the count.
 */
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import type { Geometry } from "geojson";
import { deserialize } from "flatgeobuf/lib/mjs/geojson.js";
import type { HeaderMeta } from "flatgeobuf";
import type { CrsInfo } from "../crs/crs-info.js";
import { crsFromEpsg } from "../crs/epsg.js";
import { crsFromWkt } from "../crs/prj.js";
import { InvalidDatasetError } from "../errors.js";
import { checkGeometry } from "../geometry.js";
import type { AttributeType, AttributeValue, DeclaredField, LayerInfo, VectorFeature, VectorLayer } from "../vector-layer.js";

/** flatgeobuf's ColumnType enum, by value. */
const COLUMN_TYPES: AttributeType[] = [
  "Integer", "Integer", "Boolean", "Integer", "Integer", "Integer", "Integer", "Integer", "Integer",
  "Real", "Real", "String", "String", "DateTime", "String",
];
/** flatgeobuf's GeometryType enum, by value; curves and surfaces are not GeoJSON. */
const GEOMETRY_TYPES: (string | undefined)[] = [undefined, "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"];

function crsOf(header: HeaderMeta): CrsInfo | null {
  const crs = header.crs;
  if (!crs) return null;
  if ((crs.org === null || crs.org.toUpperCase() === "EPSG") && crs.code > 0) {
    const info = crsFromEpsg(crs.code, crs.name ?? undefined);
    if (info) return info;
  }
  if (crs.wkt) return crsFromWkt(crs.wkt);
  throw new InvalidDatasetError("UNKNOWN_CRS", `The FlatGeobuf names the coordinate system ${crs.org ?? "?"}:${crs.code}, which is not known offline`);
}

/** Opens a FlatGeobuf stream as a {@link VectorLayer}. Errors are {@link InvalidDatasetError}s. */
export function readFlatGeobuf(input: Readable): VectorLayer {
  let info: LayerInfo = { format: "flatgeobuf", crs: null };
  let sourceError: unknown = null;
  input.on("error", (error) => (sourceError = error));

  async function* features(): AsyncGenerator<VectorFeature> {
    let index = 0;
    let header: HeaderMeta | null = null;
    try {
      const stream = Readable.toWeb(input) as ReadableStream<Uint8Array>;
      for await (const feature of deserialize(stream as unknown as globalThis.ReadableStream, { headerMetaFn: (h: HeaderMeta) => (header = h) })) {
        if (index === 0) info = layerInfo(header!);
        const f = feature as { geometry?: unknown; properties?: Record<string, unknown> };
        yield { geometry: checkGeometry(f.geometry, `feature ${index}`) as Geometry | null, properties: (f.properties ?? {}) as Record<string, AttributeValue> };
        index += 1;
      }
      if (header) info = layerInfo(header);
    } catch (error) {
      if (error instanceof InvalidDatasetError || sourceError) throw error;
      throw new InvalidDatasetError("FLATGEOBUF_INVALID", `The file is not a readable FlatGeobuf: ${(error as Error).message}`, { cause: error });
    }
    if (!header) throw new InvalidDatasetError("FLATGEOBUF_INVALID", "The file is not a readable FlatGeobuf: no header");
  }

  return { features: features(), info: () => info };
}

function layerInfo(header: HeaderMeta): LayerInfo {
  const fields: DeclaredField[] = (header.columns ?? []).map((c) => ({ name: c.name, type: COLUMN_TYPES[c.type] ?? "String" }));
  return {
    format: "flatgeobuf",
    crs: crsOf(header),
    fields,
    geometryType: GEOMETRY_TYPES[header.geometryType],
    ...(header.featuresCount > 0 ? { declaredCount: header.featuresCount } : {}),
  };
}
