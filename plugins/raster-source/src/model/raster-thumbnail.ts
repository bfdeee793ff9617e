import type { RasterSource } from "@assets/core";
import { LIZARD_PREFIX } from "../api/lizard-urls.js";

/** Longest side of a raster's preview, in pixels. */
const THUMBNAIL_SIZE = 256;

/**
 * The raster's preview: a PNG window over its whole extent in its own projection, through the
 * profile's data endpoint (so it is rendered, permission-checked and cached like any window).
 * Null until the processors have stored the grid.
 */
export function rasterThumbnailPath(uuid: string, raster: RasterSource): string | null {
  const { origin_x: west, origin_y: south, upper_bound_x: east, upper_bound_y: north, projection } = raster;
  if (west === null || south === null || east === null || north === null || !projection || !(east > west && north > south)) return null;
  const aspect = (east - west) / (north - south);
  const width = aspect >= 1 ? THUMBNAIL_SIZE : Math.max(1, Math.round(THUMBNAIL_SIZE * aspect));
  const height = aspect >= 1 ? Math.max(1, Math.round(THUMBNAIL_SIZE / aspect)) : THUMBNAIL_SIZE;
  const query = new URLSearchParams({ bbox: [west, south, east, north].join(","), projection, width: String(width), height: String(height), format: "png" });
  return `${LIZARD_PREFIX}/rastersources/${uuid}/data/?${query}`;
}
