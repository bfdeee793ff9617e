import { pipeline } from "node:stream/promises";
import { Router, type Response } from "express";
import { z } from "zod";
import { route, serviceContext } from "@assets/core";
import { geonodeErrors } from "./geonode-openapi.js";
import { allowOnly } from "@assets/drf";
import { idParam } from "./resource-base-routes.js";
import type { ResourceFileService, StoredObject } from "./resource-file-service.js";

async function send(res: Response, file: StoredObject, disposition: "inline" | "attachment") {
  res.type(file.contentType);
  if (file.size !== null) res.setHeader("Content-Length", String(file.size));
  res.setHeader("Content-Disposition", `${disposition}; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
  res.setHeader("X-Content-Type-Options", "nosniff");
  // Permissions decide who may read it: never a shared cache.
  res.setHeader("Cache-Control", "private, no-cache");
  await pipeline(file.body, res);
}

/** `thumbnail_url` (`/resources/{id}/thumbnail.png`) and the download link (`/resources/{id}/download`), streamed from storage. */
export function resourceFileRoutes(service: ResourceFileService): Router {
  const router = Router();
  route(router, {
    method: "get",
    path: "/resources/:id/thumbnail.png",
    summary: "The resource's thumbnail",
    tags: ["resources"],
    responses: { 200: { description: "A PNG", contentType: "image/png", schema: z.string().meta({ contentMediaType: "image/png" }) }, ...geonodeErrors(404) },
    handler: async (req, res) => {
      await send(res, await service.thumbnail(serviceContext(req), idParam(req)), "inline");
    },
  });
  router.all("/resources/:id/thumbnail.png", allowOnly(["GET"]));
  route(router, {
    method: "get",
    path: "/resources/:id/download",
    summary: "The resource's file, as uploaded",
    description: "For those with the download permission.",
    tags: ["resources"],
    responses: { 200: { description: "The file (its own media type)", contentType: "application/octet-stream", schema: z.string().meta({ contentMediaType: "application/octet-stream" }) }, ...geonodeErrors(403, 404) },
    handler: async (req, res) => {
      await send(res, await service.download(serviceContext(req), idParam(req)), "attachment");
    },
  });
  router.all("/resources/:id/download", allowOnly(["GET"]));
  return router;
}
