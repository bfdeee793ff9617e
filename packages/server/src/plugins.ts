import type { AssetPlugin } from "@assets/core";
import { apidatatoolsPlugin } from "@assets/apidatatools";
import { datasetPlugin } from "@assets/dataset";
import { imageAssetPlugin } from "@assets/image-asset";
import { rasterSourcePlugin } from "@assets/raster-source";

/** The plugins the standalone server registers: asset types and the API profiles of other systems. */
export function serverPlugins(): AssetPlugin[] {
  return [rasterSourcePlugin(), datasetPlugin(), apidatatoolsPlugin(), imageAssetPlugin()];
}
