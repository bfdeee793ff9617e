/**
 * One pass over a {@link VectorLayer}: feature count, geometry type, native and WGS84 bbox,
 * CRS, per-attribute statistics and a bounded feature sample for the thumbnail.
 */
import type { Geometry } from "geojson";
import type { BBox, CrsInfo } from "../crs/crs-info.js";
import { wgs84BBox } from "../crs/wgs84-bbox.js";
import { InvalidDatasetError } from "../errors.js";
import { eachPosition } from "../geometry.js";
import type { VectorLayer } from "../vector-layer.js";
import { AttributeAccumulator, type AttributeStatistics } from "./attribute-statistics.js";
import { FeatureSample } from "./feature-sample.js";
import { GeometryTypeAccumulator } from "./geometry-type.js";

/** What one pass learned about a layer (JSON-serialisable: a processor's result). */
export interface DatasetSummary {
  format: string;
  crs: CrsInfo | null;
  featureCount: number;
  /** GeoJSON geometry type name, `Geometry` for mixed, null when no feature has a geometry. */
  geometryType: string | null;
  /** `[minX, minY, maxX, maxY]` in the layer's CRS; null without any position. */
  bbox: BBox | null;
  /** The same extent in WGS84 longitude/latitude (null when it cannot be transformed). */
  wgs84Bbox: BBox | null;
  attributes: AttributeStatistics[];
}

/** Options of {@link summarizeLayer}. */
export interface SummarizeOptions {
  /** Checked between features; an aborted signal stops the pass with its reason. */
  signal?: AbortSignal;
  /** Called every 10,000 features. */
  onProgress?: (featuresRead: number) => void | Promise<void>;
  /** Features kept for the thumbnail (default 2,000; 0 keeps none). */
  sampleSize?: number;
}

/** The summary and the geometries sampled for a thumbnail (in the layer's CRS). */
export interface SummaryWithSample {
  summary: DatasetSummary;
  sample: Geometry[];
}

/** Reads every feature of `layer` once. Reader errors ({@link InvalidDatasetError}) pass through. */
export async function summarizeLayer(layer: VectorLayer, options: SummarizeOptions = {}): Promise<SummaryWithSample> {
  const attributes = new Map<string, AttributeAccumulator>();
  const geometryType = new GeometryTypeAccumulator();
  const sample = options.sampleSize === 0 ? null : new FeatureSample(options.sampleSize);
  const bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const extend = (x: number, y: number) => {
    if (x < bbox[0]) bbox[0] = x;
    if (y < bbox[1]) bbox[1] = y;
    if (x > bbox[2]) bbox[2] = x;
    if (y > bbox[3]) bbox[3] = y;
  };
  let declared = false;
  let count = 0;
  for await (const feature of layer.features) {
    if (!declared) {
      // Declared fields keep the file's order and types, even for attributes that are always null.
      for (const field of layer.info().fields ?? []) attributes.set(field.name, new AttributeAccumulator(field.name, field.type));
      declared = true;
    }
    count += 1;
    if (feature.geometry) {
      geometryType.add(feature.geometry.type);
      eachPosition(feature.geometry, extend);
      sample?.add(feature.geometry);
    }
    for (const [name, value] of Object.entries(feature.properties)) {
      let accumulator = attributes.get(name);
      if (!accumulator) attributes.set(name, (accumulator = new AttributeAccumulator(name)));
      accumulator.add(value);
    }
    if (count % 10_000 === 0) {
      options.signal?.throwIfAborted();
      await options.onProgress?.(count);
    }
  }
  const info = layer.info();
  if (!declared) for (const field of info.fields ?? []) attributes.set(field.name, new AttributeAccumulator(field.name, field.type));
  if (info.declaredCount !== undefined && info.declaredCount !== count) {
    throw new InvalidDatasetError("FEATURE_COUNT_MISMATCH", `The file declares ${info.declaredCount} features but ${count} were read`);
  }
  const native = Number.isFinite(bbox[0]) ? bbox : null;
  return {
    summary: {
      format: info.format,
      crs: info.crs,
      featureCount: count,
      geometryType: info.geometryType ?? geometryType.result(),
      bbox: native,
      wgs84Bbox: native && info.crs ? wgs84BBox(info.crs, native) : null,
      attributes: [...attributes.values()].map((a) => a.result(count)),
    },
    sample: sample?.geometries ?? [],
  };
}
