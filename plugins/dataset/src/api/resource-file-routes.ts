import { pipeline } from "node:stream/promises";
import { Router, type Response } from "express";
import { serviceContext } from "@assets/core";
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
  router.get("/resources/:id/thumbnail.png", async (req, res) => {
    await send(res, await service.thumbnail(serviceContext(req), idParam(req)), "inline");
  });
  router.all("/resources/:id/thumbnail.png", allowOnly(["GET"]));
  router.get("/resources/:id/download", async (req, res) => {
    await send(res, await service.download(serviceContext(req), idParam(req)), "attachment");
  });
  router.all("/resources/:id/download", allowOnly(["GET"]));
  return router;
}
