import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { JSONAPI_ITEM, jsonApiErrors } from "../http/jsonapi-schemas.js";
import { route } from "../http/route.js";
import { authorize } from "../access/authorize.js";
import { Errors } from "../errors/index.js";
import type { Job } from "../generated/prisma/client.js";
import type { Pipeline } from "./create-pipeline.js";
import { PROCESS_UPLOAD } from "./upload-states.js";
import { baseUrl, serviceContext } from "../http/request-context.js";
import { sendJson } from "../http/send-json.js";

const FINAL = new Set(["succeeded", "failed"]);
/** How often the event stream looks at the job (the database is the truth for every backend). */
const POLL_MS = 250;

/** Renders a job as a JSON:API object. */
export function serializeJob(job: Job, base: string) {
  return {
    type: "job",
    id: job.id,
    attributes: {
      kind: job.kind,
      state: job.state,
      progress: job.progress,
      attempts: job.attempts,
      error: job.error,
      result: job.result,
      created_at: job.created_at.toISOString(),
      updated_at: job.updated_at.toISOString(),
      started_at: job.started_at?.toISOString() ?? null,
      finished_at: job.finished_at?.toISOString() ?? null,
    },
    relationships: { upload: { data: job.subject_id ? { type: "upload", id: String(job.subject_id) } : null } },
    links: { self: `${base}/jobs/${job.id}`, events: `${base}/jobs/${job.id}/events` },
  };
}

/** A job the caller may see: an upload's job if they may see the upload, a plugin's job if they asked for it. Anything else is a 404. */
async function visibleJob(req: Request, pipeline: Pipeline, id: string): Promise<Job> {
  const job = await pipeline.ingest.job(id);
  const ctx = serviceContext(req);
  // A plugin's job (a bulk edit, a GeoNode operation) is its requester's to see, and superusers'.
  if (job && job.kind !== PROCESS_UPLOAD) {
    if (ctx.principal.kind === "user" && (job.user_id === ctx.principal.id || ctx.principal.isSuperuser)) return job;
    throw Errors.NOT_FOUND({ detail: `Job '${id}' not found` });
  }
  if (!job || job.subject_id === null) throw Errors.NOT_FOUND({ detail: `Job '${id}' not found` });
  await authorize(ctx, "Upload", { id: job.subject_id }, "view", (where) => ctx.db.upload.findFirst({ where, select: { id: true } }), {
    notFound: `Job '${id}' not found`,
    forbidden: `Job '${id}' not found`,
  });
  return job;
}

/** `/jobs/:id` (JSON:API) and `/jobs/:id/events` (server-sent events until the job ends). */
export function jobRoutes(pipeline: Pipeline): Router {
  const router = Router();
  route(router, {
    method: "get",
    path: "/:id",
    summary: "A job: state, progress, error, result",
    tags: ["jobs"],
    responses: { 200: { description: "The job", schema: JSONAPI_ITEM }, ...jsonApiErrors(404) },
    handler: async (req, res) => {
      const job = await visibleJob(req, pipeline, String(req.params.id));
      sendJson(req, res, 200, { data: serializeJob(job, baseUrl(req)) });
    },
  });

  route(router, {
    method: "get",
    path: "/:id/events",
    summary: "A job's progress as server-sent events, until it ends",
    description: "Events `progress`, then `succeeded` or `failed`; each `data` is the job's attributes with its id, as JSON.",
    tags: ["jobs"],
    responses: { 200: { description: "An event stream", contentType: "text/event-stream", schema: z.string() }, ...jsonApiErrors(404) },
    handler: (req, res) => streamJob(req, res, pipeline),
  });
  return router;
}

/** Writes the job's state whenever it changes (the database is polled: it is the truth for every backend). */
async function streamJob(req: Request, res: Response, pipeline: Pipeline): Promise<void> {
  let job = await visibleJob(req, pipeline, String(req.params.id));
  res.status(200).set({ "Content-Type": "text/event-stream", "Cache-Control": "no-cache", Connection: "keep-alive", "X-Accel-Buffering": "no" });
  res.flushHeaders();
  let closed = false;
  req.once("close", () => (closed = true));
  let last = "";
  for (;;) {
    const attributes = serializeJob(job, baseUrl(req)).attributes;
    const snapshot = JSON.stringify({ id: job.id, ...attributes });
    if (snapshot !== last) {
      res.write(`event: ${FINAL.has(job.state) ? job.state : "progress"}\nid: ${job.updated_at.getTime()}\ndata: ${snapshot}\n\n`);
      last = snapshot;
    }
    if (FINAL.has(job.state) || closed) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = (await pipeline.ingest.job(job.id)) ?? job;
  }
  res.end();
}
