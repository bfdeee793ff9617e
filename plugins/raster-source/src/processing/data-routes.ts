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
 * Errors are thrown; the plugin's profile (`DRF_ERRORS`) answers them as Django REST framework
 * does (`{"detail": ...}`, `{"<field>": [...]}`).
 */
import { Router } from "express";
import { z } from "zod";
import { Errors, route, schemaComponent, type PluginHost, sendJson, serviceContext } from "@assets/core";
import { drfErrors } from "@assets/drf";
import { findSource } from "./source-access.js";
import { ReaderCache, nearestStep, readStepWindow } from "./step-files.js";
import { receiveStep } from "./step-upload.js";
import { renderTask, visibleTaskUpload } from "./tasks.js";
import { WINDOW_QUERY, windowRequest } from "./window-query.js";
import { sendWindow } from "./window-response.js";

/** The form `receiveStep` reads: `timestamp`, then the file. */
const STEP_FORM = z.object({
  timestamp: z.string().optional().describe("ISO 8601 date-time of the step"),
  file: z.string().meta({ contentMediaType: "image/tiff" }).describe("The GeoTIFF"),
});

/** A task as `renderTask` writes it. */
const TASK = schemaComponent(
  "Task",
  z.object({
    url: z.string(),
    uuid: z.string(),
    task_id: z.string(),
    status: z.enum(["PENDING", "STARTED", "RETRY", "SUCCESS", "FAILURE"]),
    progress: z.number(),
    created: z.string().nullable(),
    started: z.string().nullable(),
    finished: z.string().nullable(),
    result: z.object({ upload: z.string(), raster_source: z.string().nullable(), timestamp: z.string().nullable() }).nullable(),
    error: z.string().nullable(),
  }),
);

/** Builds the raster data and task routes over the host's database, storage and pipeline. */
export function rasterDataRoutes(host: PluginHost): Router {
  const router = Router();
  const readers = new ReaderCache(host.storage);

  route(router, {
    method: "post",
    path: "/rastersources/:uuid/data/",
    summary: "Add a step (a GeoTIFF) to a raster source",
    description: "Fields before the file: `timestamp` (required for a temporal source; also accepted in the query). 202 with the task that processes the file.",
    tags: ["rastersources"],
    signedIn: true,
    requestBody: { schema: STEP_FORM, contentTypes: ["multipart/form-data"] },
    responses: { 202: { description: "The task", schema: TASK, headers: { Location: "The task's URL" } }, ...drfErrors(400, 401, 403, 404, 413) },
    handler: async (req, res) => {
      const ctx = serviceContext(req);
      const source = await findSource(ctx, String(req.params.uuid), "change");
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
    },
  });

  route(router, {
    method: "get",
    path: "/tasks/:id/",
    summary: "A task, in Celery's states",
    tags: ["tasks"],
    responses: { 200: { description: "The task", schema: TASK }, ...drfErrors(404) },
    handler: async (req, res) => {
      const ctx = serviceContext(req);
      const job = await host.uploads.job(String(req.params.id));
      const upload = job && (await visibleTaskUpload(ctx, job));
      if (!job || !upload) throw Errors.NOT_FOUND({ detail: "Not found." });
      sendJson(req, res, 200, renderTask(req, job, upload));
    },
  });

  route(router, {
    method: "get",
    path: "/rastersources/:uuid/data/",
    summary: "Pixel values of a window",
    description: "JSON, float32 bytes (`Accept: application/octet-stream`) or a PNG (`format=png`), reading only the blocks and the coarsest overview needed.",
    tags: ["rastersources"],
    query: WINDOW_QUERY,
    responses: {
      200: { description: "The window: JSON rows of values (null for no data), float32 bytes, or a PNG", schema: z.array(z.array(z.number().nullable())) },
      ...drfErrors(400, 404),
    },
    handler: async (req, res, input) => {
      const ctx = serviceContext(req);
      const source = await findSource(ctx, String(req.params.uuid), "view");
      const query = windowRequest(input.query, req.get("accept"));
      const step = source.temporal && query.time && source.sourceId !== null ? await nearestStep(ctx.db, source.sourceId, query.time) : source.latestStep;
      if (!step) throw Errors.NOT_FOUND({ detail: "This raster source has no data yet." });
      const window = await readStepWindow(readers, step, query);
      await sendWindow(res, { query, window, timestamp: step.timestamp, float: source.dtype?.startsWith("f") ?? true });
    },
  });
  return router;
}
