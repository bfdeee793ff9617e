import type { AssetPlugin } from "@assets/core";
import { apidatatoolsPlugin } from "@assets/apidatatools";
import { datasetPlugin } from "@assets/dataset";
import { imageAssetPlugin } from "@assets/image-asset";
import { rasterSourcePlugin } from "@assets/raster-source";

/**
 * The plugins the standalone server registers: asset types and the API profiles of other systems.
 * With REDIS_URL the DatoCMS profile counts its rate limit in Redis, so every process agrees;
 * DATOCMS_LOCALES (`en,it`) are its site's locales, the main one first.
 */
export function serverPlugins(): AssetPlugin[] {
  return [rasterSourcePlugin(), datasetPlugin(), apidatatoolsPlugin(), imageAssetPlugin({ rateLimit: { redisUrl: process.env.REDIS_URL }, locales: datocmsLocales() })];
}

/** DATOCMS_LOCALES as a list; unset or empty: the plugin's default (`en`). */
function datocmsLocales(): string[] | undefined {
  const locales = (process.env.DATOCMS_LOCALES ?? "").split(",").map((locale) => locale.trim()).filter(Boolean);
  return locales.length > 0 ? locales : undefined;
}
