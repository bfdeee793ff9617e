import type { Request } from "express";
import { baseUrl } from "@assets/core";

/** Where the GeoNode profile is mounted inside the asset router. */
export const GEONODE_PREFIX = "/api/v2";

/** Absolute URLs a GeoNode answer links to. */
export interface GeonodeUrls {
  /** Under the `/api/v2` mount: `api("/resources/3")`. */
  api(path: string): string;
  /** Under the asset router's mount (GeoNode's site pages: detail, embed, download). */
  site(path: string): string;
}

/** The URLs of this request's host and mounts; `req.baseUrl` is the GeoNode router's own mount. */
export function geonodeUrls(req: Request): GeonodeUrls {
  const api = `${req.protocol}://${req.get("host")}${req.baseUrl}`;
  const site = baseUrl(req);
  return { api: (path) => `${api}${path}`, site: (path) => `${site}${path}` };
}
