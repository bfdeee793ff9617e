import { Router } from "express";
import { z } from "zod";
import { route } from "@assets/core";
import { datocmsErrors } from "./datocms-schemas.js";
import { sendDatocms } from "./send-datocms.js";
import type { SiteLocales } from "./site-locales.js";

const SITE = z.object({ data: z.object({ type: z.literal("site"), id: z.string(), attributes: z.object({ name: z.string(), locales: z.array(z.string()) }) }) });

/**
 * `GET /site`: the little of DatoCMS's site a media library has, its locales (the first is the
 * main one), for clients that read them before writing `default_field_metadata`.
 */
export function siteRoutes(locales: SiteLocales): Router {
  const router = Router();
  route(router, {
    method: "get",
    path: "/site",
    summary: "The site: its locales, the main one first",
    tags: ["site"],
    responses: { 200: { description: "The site", schema: SITE }, ...datocmsErrors(401) },
    handler: (_req, res) => {
      sendDatocms(res, 200, { data: { type: "site", id: "site", attributes: { name: "Assets", locales: locales.all } } });
    },
  });
  return router;
}
