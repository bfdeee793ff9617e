import { Router } from "express";
import { Errors } from "../errors/index.js";
import type { Pipeline } from "../uploads/create-pipeline.js";
import { sendJson } from "./send-json.js";

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

/** GeoNode's read-only `upload-size-limits` and `upload-parallelism-limits`, from the pipeline's settings. */
export function limitRouters(pipeline: Pipeline): [string, Router][] {
  const sizes = () => [
    { slug: "default_max_upload_size", description: "Largest file accepted for any asset type", max_size: pipeline.limits.maxUploadSize, max_size_label: sizeLabel(pipeline.limits.maxUploadSize) },
    ...[...pipeline.registry.types.values()]
      .filter((t) => t.maxUploadSize !== undefined)
      .map((t) => {
        const max = pipeline.ingest.maxSize(t);
        return { slug: `${t.key}_upload_size`, description: `Largest ${t.key} upload`, max_size: max, max_size_label: sizeLabel(max) };
      }),
  ];
  const parallelism = () => [{ slug: "default_max_parallel_uploads", description: "Uploads one user may stream at the same time", max_number: pipeline.limits.maxParallelUploads }];

  const listing = <T extends { slug: string }>(name: string, rows: () => T[]) => {
    const router = Router();
    router.get("/", (req, res) => {
      const all = rows();
      sendJson(req, res, 200, { links: { next: null, previous: null }, total: all.length, page: 1, page_size: all.length, [name]: all });
    });
    router.get("/:slug", (req, res) => {
      const row = rows().find((r) => r.slug === req.params.slug);
      if (!row) throw Errors.NOT_FOUND({ detail: `No ${name} entry '${req.params.slug}'` });
      sendJson(req, res, 200, { [name.replace(/s$/, "")]: row });
    });
    router.all("/{*rest}", (req) => {
      throw Errors.METHOD_NOT_ALLOWED({ detail: `${req.method} is not allowed: limits are read-only here` });
    });
    return router;
  };
  return [
    ["/upload-size-limits", listing("upload-size-limits", sizes)],
    ["/upload-parallelism-limits", listing("upload-parallelism-limits", parallelism)],
  ];
}
