import { definePlugin, type AssetPlugin } from "@assets/core";
import { renderGeonodeError } from "./api/geonode-errors.js";
import { geonodeRouter } from "./api/geonode-router.js";

/** Where the GeoNode profile is mounted inside the asset router. */
export const GEONODE_PREFIX = "/api/v2";

/**
 * The dataset plugin: vector and raster datasets and documents, with a GeoNode REST API v2
 * compatible profile under `/api/v2`.
 */
export function datasetPlugin(): AssetPlugin {
  return definePlugin({
    name: "dataset",
    prefix: GEONODE_PREFIX,
    routes: (host) => geonodeRouter(host),
    renderError: renderGeonodeError,
  });
}
