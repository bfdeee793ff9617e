/**
 * Data endpoints of raster sources (Lizard API v4 paths, mounted under the plugin's prefix):
 *
 * - `POST /rastersources/{uuid}/data/`: multipart `file` (+ `timestamp` for temporal sources)
 *   adds a step through the upload pipeline; 202 with the task that processes it.
 * - `GET /tasks/{uuid}/`: that task, in Celery's states (PENDING, STARTED, RETRY, SUCCESS, FAILURE).
 * - `GET /rastersources/{uuid}/data/?bbox=w,s,e,n&width=&height=&projection=&time=`: pixel values
 *   of a window as JSON, as float32 bytes (`Accept: application/octet-stream`) or as a PNG
 *   (`format=png&colormap=viridis`), reading only the blocks and the coarsest overview needed.
 *
 * Errors are rendered as Django REST framework does (`{"detail": ...}`, `{"<field>": [...]}`).
 */
import { Router } from "express";
import { Errors, type PluginHost, searchParams, sendJson, serviceContext } from "@assets/core";
import { drfErrorHandlers } from "@assets/drf";
import { findSource } from "./source-access.js";
import { ReaderCache, nearestStep, readStepWindow } from "./step-files.js";
import { receiveStep } from "./step-upload.js";
import { renderTask, visibleTaskUpload } from "./tasks.js";
import { parseWindowQuery } from "./window-query.js";
import { sendWindow } from "./window-response.js";

/** Builds the raster data and task routes over the host's database, storage and pipeline. */
export function rasterDataRoutes(host: PluginHost): Router {
  const router = Router();
  const readers = new ReaderCache(host.storage);

  router.post("/rastersources/:uuid/data/", async (req, res) => {
    const ctx = serviceContext(req);
    const source = await findSource(ctx, req.params.uuid, "change");
    let received;
    try {
      received = await receiveStep(req, ctx, host.uploads, source);
    } catch (error) {
      // The rest of the body is not wanted: close the connection after answering.
      if (!req.complete) res.setHeader("Connection", "close");
      throw error;
    }
    const { upload, job } = received;
    const task = renderTask(req, job, { ...upload, resource: { uuid: source.uuid } });
    res.location(task.url);
    sendJson(req, res, 202, task);
  });

  router.get("/tasks/:id/", async (req, res) => {
    const ctx = serviceContext(req);
    const job = await host.uploads.job(req.params.id);
    const upload = job && (await visibleTaskUpload(ctx, job));
    if (!job || !upload) throw Errors.NOT_FOUND({ detail: "Not found." });
    sendJson(req, res, 200, renderTask(req, job, upload));
  });

  router.get("/rastersources/:uuid/data/", async (req, res) => {
    const ctx = serviceContext(req);
    const source = await findSource(ctx, req.params.uuid, "view");
    const query = parseWindowQuery(searchParams(req), req.get("accept"));
    const step = source.temporal && query.time && source.sourceId !== null ? await nearestStep(ctx.db, source.sourceId, query.time) : source.latestStep;
    if (!step) throw Errors.NOT_FOUND({ detail: "This raster source has no data yet." });
    const window = await readStepWindow(readers, step, query);
    await sendWindow(res, { query, window, timestamp: step.timestamp, float: source.dtype?.startsWith("f") ?? true });
  });

  // The Lizard profile's handlers (DRF shape, 401 for anonymous callers), so the routes answer
  // the same wherever the router is mounted.
  router.use(drfErrorHandlers(host.log));
  return router;
}
