import type { AssetPlugin } from "@assets/core";

/** The asset-type plugins the standalone server registers. */
export function serverPlugins(): AssetPlugin[] {
  return [];
}
