import { Router } from "express";
import { z } from "zod";
import { Errors, route, sendJson, type PluginHost } from "@assets/core";
import { GEONODE_OBJECT, geonodeErrors, geonodePageSchema } from "./geonode-openapi.js";

/** GeoNode's `UploadSizeLimit`: a byte limit and its human label. */
interface SizeLimit {
  slug: string;
  description: string;
  max_size: number;
  max_size_label: string;
}

/** GeoNode's `UploadParallelismLimit`: how many uploads one user may run at once. */
interface ParallelismLimit {
  slug: string;
  description: string;
  max_number: number;
}

function sizeLabel(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function sizeLimits(host: PluginHost): SizeLimit[] {
  const max = host.limits.maxUploadSize;
  const perType = [...host.types.values()]
    .filter((type) => type.maxUploadSize !== undefined)
    .map((type) => ({ slug: `${type.key}_upload_size`, description: `Largest ${type.key} upload`, bytes: host.uploads.maxSize(type) }));
  return [{ slug: "default_max_upload_size", description: "Largest file accepted for any asset type", bytes: max }, ...perType].map(({ bytes, ...row }) => ({
    ...row,
    max_size: bytes,
    max_size_label: sizeLabel(bytes),
  }));
}

function parallelismLimits(host: PluginHost): ParallelismLimit[] {
  return [{ slug: "default_max_parallel_uploads", description: "Uploads one user may stream at the same time", max_number: host.limits.maxParallelUploads }];
}

/** A read-only dynamic-rest viewset over `rows`: `{links, total, page, page_size, <plural>}` and `{<singular>}`. */
function readOnlyListing<T extends { slug: string }>(plural: string, singular: string, page: string, rows: () => T[]): Router {
  const router = Router();
  route(router, {
    method: "get",
    path: "/",
    summary: `List ${plural}`,
    tags: [plural],
    responses: { 200: { description: `Every ${singular}`, schema: geonodePageSchema(page, plural) } },
    handler: (req, res) => {
      const all = rows();
      sendJson(req, res, 200, { links: { next: null, previous: null }, total: all.length, page: 1, page_size: all.length, [plural]: all });
    },
  });
  route(router, {
    method: "get",
    path: "/:slug",
    summary: `One ${singular}`,
    tags: [plural],
    responses: { 200: { description: `The ${singular}`, schema: z.object({ [singular]: GEONODE_OBJECT }) }, ...geonodeErrors(404) },
    handler: (req, res) => {
      const row = rows().find((r) => r.slug === req.params.slug);
      if (!row) throw Errors.NOT_FOUND({ detail: "Not found." });
      sendJson(req, res, 200, { [singular]: row });
    },
  });
  // Read-only: any other method on the list or an item is a 405 (a deeper path is the router's 404).
  router.all(["/", "/:slug"], (req) => {
    throw Errors.METHOD_NOT_ALLOWED({ detail: `Method "${req.method}" not allowed.` });
  });
  return router;
}

/**
 * GeoNode's `/upload-size-limits/` and `/upload-parallelism-limits/`, read-only, from the
 * pipeline's limits (the global size limit and each asset type's own).
 */
export function limitRoutes(host: PluginHost): Router {
  const router = Router();
  router.use("/upload-size-limits", readOnlyListing("upload-size-limits", "upload-size-limit", "UploadSizeLimitPage", () => sizeLimits(host)));
  router.use("/upload-parallelism-limits", readOnlyListing("upload-parallelism-limits", "upload-parallelism-limit", "UploadParallelismLimitPage", () => parallelismLimits(host)));
  return router;
}
