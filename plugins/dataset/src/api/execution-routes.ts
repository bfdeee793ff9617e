import { Router, type Request } from "express";
import { z } from "zod";
import { Errors, normalizeUuid, route, sendJson, serviceContext, UploadService, type Job, type PluginHost, type Upload } from "@assets/core";
import { signedIn } from "@assets/drf";
import { renderExecutionRequest, type ExecutionRequestBody } from "./execution-request.js";
import { geonodeUrls } from "./geonode-urls.js";
import { GEONODE_OBJECT, geonodeErrors } from "./geonode-openapi.js";

const NOT_FOUND = () => Errors.NOT_FOUND({ detail: "Not found." });

/**
 * GeoNode's execution requests over the pipeline's jobs: `GET /executionrequest/{id}`
 * (`{request: …}`, what the QGIS plugin polls) and `GET /resource-service/execution-status/{id}`
 * (the same fields, flat). A job is visible to whoever may see its upload; anything else is a 404.
 */
export function executionRoutes(host: PluginHost): Router {
  const uploads = new UploadService();

  async function visible(req: Request, rawId: string): Promise<ExecutionRequestBody> {
    const id = normalizeUuid(rawId);
    const job: Job | null = id ? await host.uploads.job(id) : null;
    if (!job || job.subject_id === null) throw NOT_FOUND();
    const ctx = serviceContext(req);
    const upload: Upload = await uploads.get(ctx, String(job.subject_id)).catch(() => {
      throw NOT_FOUND();
    });
    const user = upload.uploader_id === null ? null : await ctx.db.user.findUnique({ where: { id: upload.uploader_id }, select: { username: true } });
    const urls = geonodeUrls(req);
    return renderExecutionRequest(job, upload, user?.username ?? null, {
      self: urls.api(`/executionrequest/${job.id}`),
      resource: (resourceId) => urls.api(`/resources/${resourceId}`),
    });
  }

  const router = Router();
  // No trailing slash is what GeoNode's router serves (and the QGIS plugin asks for); both are answered.
  route(router, {
    method: "get",
    path: "/executionrequest/:id",
    summary: "An execution request (what the QGIS plugin polls)",
    tags: ["executionrequest"],
    signedIn: true,
    middleware: [signedIn],
    responses: { 200: { description: "The execution request", schema: z.object({ request: GEONODE_OBJECT }) }, ...geonodeErrors(401, 404) },
    handler: async (req, res) => {
      sendJson(req, res, 200, { request: await visible(req, String(req.params.id)) });
    },
  });
  route(router, {
    method: "get",
    path: "/resource-service/execution-status/:id",
    summary: "An execution request's status, flat",
    tags: ["resource-service"],
    signedIn: true,
    middleware: [signedIn],
    responses: { 200: { description: "Its status, user, times, input and output", schema: GEONODE_OBJECT }, ...geonodeErrors(401, 404) },
    handler: async (req, res) => {
      const { user, status, func_name, created, finished, last_updated, input_params, output_params, step, log } = await visible(req, String(req.params.id));
      sendJson(req, res, 200, { user, status, func_name, created, finished, last_updated, input_params, output_params, step, log });
    },
  });
  return router;
}
