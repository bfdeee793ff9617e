/**
 * GeoJSON (RFC 7946, and the 2008 spec's `crs` member) read as a stream: the elements of
 * `features` are cut out by {@link FeatureSplitter} and parsed one at a time with JSON.parse, the
 * rest checked by @streamparser/json, so a 1 GB FeatureCollection never is in memory whole. A bare
 * Feature or geometry is read as a layer of one feature.
 */
import type { Readable } from "node:stream";
import { JSONParser } from "@streamparser/json";
import type { CrsInfo } from "../crs/crs-info.js";
import { crsFromGeoJsonMember } from "../crs/geojson-crs.js";
import { InvalidDatasetError } from "../errors.js";
import { checkGeometry } from "../geometry.js";
import { FeatureSplitter } from "./feature-splitter.js";
import type { AttributeValue, LayerInfo, VectorFeature, VectorLayer } from "../vector-layer.js";

const GEOMETRY_TYPES = new Set(["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection"]);
/** Top-level members read; `features` elements are emitted one by one and not kept. */
const PATHS = ["$.type", "$.crs", "$.features.*", "$.geometry", "$.properties", "$.coordinates", "$.geometries"];

/** Attribute values: nested objects and arrays become their JSON text, as GDAL's String fields. */
export function toAttributes(properties: unknown, where: string): Record<string, AttributeValue> {
  if (properties === null || properties === undefined) return {};
  if (typeof properties !== "object" || Array.isArray(properties)) {
    throw new InvalidDatasetError("NOT_GEOJSON", `${where}: properties must be an object`);
  }
  const out: Record<string, AttributeValue> = {};
  for (const [key, value] of Object.entries(properties)) {
    out[key] = value === null || typeof value !== "object" ? (value as AttributeValue) : JSON.stringify(value);
  }
  return out;
}

function toFeature(value: unknown, index: number): VectorFeature {
  const where = `feature ${index}`;
  const f = value as { type?: unknown; geometry?: unknown; properties?: unknown } | null;
  if (f === null || typeof f !== "object" || f.type !== "Feature") {
    throw new InvalidDatasetError("NOT_GEOJSON", `${where} is not a GeoJSON Feature object`);
  }
  return { geometry: checkGeometry(f.geometry, where), properties: toAttributes(f.properties, where) };
}

/** Opens a GeoJSON stream as a {@link VectorLayer}. Errors are {@link InvalidDatasetError}s. */
export function readGeoJson(input: Readable): VectorLayer {
  const top: Record<string, unknown> = {};
  let crs: CrsInfo | null = null;

  async function* features(): AsyncGenerator<VectorFeature> {
    const queue: VectorFeature[] = [];
    let index = 0;
    let bytes = 0;
    // The skeleton parser sees the document with each feature replaced by 0 (emitted and dropped).
    const parser = new JSONParser({ paths: PATHS, keepStack: false });
    parser.onValue = ({ value, key, stack }) => {
      if (stack.length === 1) top[String(key)] = value;
    };
    const splitter = new FeatureSplitter({
      skeleton: (part) => parser.write(part),
      feature: (part) => {
        if (part === null) throw new InvalidDatasetError("NOT_GEOJSON", `feature ${index} is not a GeoJSON Feature object`);
        let value: unknown;
        try {
          value = JSON.parse(part.toString("utf8"));
        } catch (error) {
          throw new InvalidDatasetError("NOT_JSON", `The file is not valid JSON: feature ${index}: ${(error as Error).message}`, { cause: error });
        }
        queue.push(toFeature(value, index++));
      },
    });
    const parse = (write: () => void) => {
      try {
        write();
      } catch (error) {
        if (error instanceof InvalidDatasetError) throw error;
        throw new InvalidDatasetError("NOT_JSON", `The file is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
    };
    for await (const data of input) {
      const chunk = typeof data === "string" ? Buffer.from(data) : (data as Buffer);
      bytes += chunk.length;
      if (parser.isEnded) {
        if (/\S/.test(String(chunk))) throw new InvalidDatasetError("NOT_JSON", "The file has data after its JSON document");
        continue;
      }
      parse(() => splitter.write(chunk));
      // Features before `"type"` are queued too; the type is checked when it arrives or at the end.
      if (top.type !== undefined && top.type !== "FeatureCollection" && index > 0) {
        throw new InvalidDatasetError("NOT_GEOJSON", `A GeoJSON ${JSON.stringify(top.type)} cannot have features`);
      }
      while (queue.length > 0) yield queue.shift()!;
    }
    if (bytes === 0) throw new InvalidDatasetError("EMPTY_FILE", "The file is empty");
    if (splitter.inFeature) throw new InvalidDatasetError("NOT_JSON", `The file is not valid JSON: it ends inside feature ${index}`);
    if (!parser.isEnded) parse(() => parser.end());
    while (queue.length > 0) yield queue.shift()!;

    crs = crsFromGeoJsonMember(top.crs);
    if (top.type === "FeatureCollection") return;
    if (index > 0) throw new InvalidDatasetError("NOT_GEOJSON", `A GeoJSON ${JSON.stringify(top.type ?? null)} cannot have features`);
    if (top.type === "Feature") yield toFeature({ type: "Feature", geometry: top.geometry, properties: top.properties }, 0);
    else if (typeof top.type === "string" && GEOMETRY_TYPES.has(top.type)) {
      yield { geometry: checkGeometry({ type: top.type, coordinates: top.coordinates, geometries: top.geometries }, "the geometry"), properties: {} };
    } else {
      throw new InvalidDatasetError("NOT_GEOJSON", `The JSON document is not GeoJSON: its top-level type is ${JSON.stringify(top.type ?? null)}`);
    }
  }

  return {
    features: features(),
    info: (): LayerInfo => ({ format: "geojson", crs }),
  };
}
