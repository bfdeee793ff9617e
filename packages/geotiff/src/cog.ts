/**
 * Cloud-Optimized GeoTIFF layout check, after GDAL's validate_cloud_optimized_geotiff.py:
 * every image tiled, all IFDs before the pixel data, overview data stored smallest first and
 * the tiles of each image in increasing order. In addition a raster larger than one tile must
 * have overviews, since without them a COG cannot serve zoomed-out windows cheaply.
 */
import type { ImageLevel, TiffRaster } from "./image.js";

function storedOffsets(level: ImageLevel): number[] {
  return level.offsets.filter((_, i) => level.byteCounts[i]! > 0);
}

// Loops rather than Math.min(...xs): offset arrays can exceed the engine's argument limit.
function minOf(xs: number[]): number {
  let m = Infinity;
  for (const x of xs) if (x < m) m = x;
  return m;
}

function maxOf(xs: number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  return m;
}

function increasing(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v > values[i - 1]!);
}

/** Whether the file is laid out as a Cloud-Optimized GeoTIFF. */
export function isCloudOptimized(raster: TiffRaster): boolean {
  const { main, overviews, masks } = raster;
  const all = [main, ...overviews, ...masks];
  if (!all.every((l) => l.tiled)) return false;
  if (overviews.length === 0 && (main.width > main.blockWidth || main.height > main.blockHeight)) return false;

  const perLevel = all.map(storedOffsets);
  const data = perLevel.flat();
  if (data.length === 0) return true;
  if (maxOf(raster.ifdOffsets) > minOf(data)) return false;
  if (!perLevel.every(increasing)) return false;

  // Masks belong with the image of the same size; levels must follow each other smallest first.
  const groups = new Map<string, number[]>();
  all.forEach((l, i) => {
    const key = `${l.width}x${l.height}`;
    groups.set(key, (groups.get(key) ?? []).concat(perLevel[i]!));
  });
  const bySize = [...groups.entries()]
    .map(([key, offs]) => ({ pixels: key.split("x").map(Number).reduce((a, b) => a * b, 1), offs }))
    .filter((g) => g.offs.length > 0)
    .sort((a, b) => a.pixels - b.pixels);
  return bySize.every((g, i) => i === 0 || minOf(g.offs) > maxOf(bySize[i - 1]!.offs));
}
