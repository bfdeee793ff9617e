import type { AssetPlugin } from "@assets/core";
import { datasetPlugin } from "@assets/dataset";
import { rasterSourcePlugin } from "@assets/raster-source";

/** The asset-type plugins the standalone server registers. */
export function serverPlugins(): AssetPlugin[] {
  return [rasterSourcePlugin(), datasetPlugin()];
}
