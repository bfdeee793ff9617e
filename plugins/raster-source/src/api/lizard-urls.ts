import type { Request } from "express";
import { baseUrl } from "@assets/core";

/** Where the Lizard-compatible API is mounted inside the asset router. */
export const LIZARD_PREFIX = "/api/v4";

/** Absolute URLs of the Lizard objects this plugin serves (DRF's trailing slash included). */
export interface LizardUrls {
  rastersource(uuid: string): string;
  raster(uuid: string): string;
  labeltype(uuid: string): string;
  organisation(uuid: string): string;
}

/** The URL builders for one request (scheme, host and mount path as the client used them). */
export function lizardUrls(req: Request): LizardUrls {
  const api = `${baseUrl(req)}${LIZARD_PREFIX}`;
  return {
    rastersource: (uuid) => `${api}/rastersources/${uuid}/`,
    raster: (uuid) => `${api}/rasters/${uuid}/`,
    labeltype: (uuid) => `${api}/labeltypes/${uuid}/`,
    organisation: (uuid) => `${api}/organisations/${uuid}/`,
  };
}
