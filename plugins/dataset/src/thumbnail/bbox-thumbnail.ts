/**
 * A thumbnail of the part of a stored layer inside a bbox (GeoNode's `set_thumbnail_from_bbox`):
 * one pass over the layer keeps a bounded random sample of the features whose envelope meets
 * the bbox (the processor's feature budget), drawn by the thumbnail renderer with the image
 * fitted to the bbox rather than to the features.
 */
import type { Geometry } from "geojson";
import type { BBox, CrsInfo } from "../crs/crs-info.js";
import { transformBBox } from "../crs/transform-bbox.js";
import { WGS84 } from "../crs/geojson-crs.js";
import { eachPosition } from "../geometry.js";
import { FeatureSample } from "../summary/feature-sample.js";
import type { VectorLayer } from "../vector-layer.js";
import { renderThumbnail, type Thumbnail, type ThumbnailOptions } from "./render-thumbnail.js";

/** The area to draw: `[minX, minY, maxX, maxY]` in `crs`. */
export interface ThumbnailArea {
  bbox: BBox;
  crs: CrsInfo;
}

function envelope(geometry: Geometry): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  eachPosition(geometry, (x, y) => {
    if (x < box[0]) box[0] = x;
    if (y < box[1]) box[1] = y;
    if (x > box[2]) box[2] = x;
    if (y > box[3]) box[3] = y;
  });
  return box;
}

const meets = (a: BBox, b: BBox) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

/** The area in WGS84, or null when it lies outside its CRS's domain. */
export function areaInWgs84(area: ThumbnailArea): BBox | null {
  return transformBBox(area.crs, WGS84, area.bbox);
}

/**
 * Renders the features of `layer` (coordinates in `layerCrs`; null for a layer without one, or
 * no layer: nothing is drawn) that meet `area`, in an image fitted to `area`.
 */
export async function renderAreaThumbnail(layer: VectorLayer | null, layerCrs: CrsInfo | null, area: ThumbnailArea, wgs84Area: BBox, options: Omit<ThumbnailOptions, "extent"> = {}): Promise<Thumbnail> {
  const sample = new FeatureSample();
  const native = layer && layerCrs ? transformBBox(area.crs, layerCrs, area.bbox) : null;
  if (layer && native) {
    for await (const feature of layer.features) {
      if (feature.geometry && meets(envelope(feature.geometry), native)) sample.add(feature.geometry);
    }
  }
  return renderThumbnail(sample.geometries, layerCrs ?? WGS84, { ...options, extent: wgs84Area });
}
