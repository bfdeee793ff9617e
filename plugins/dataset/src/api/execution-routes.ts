import { Router, type Request } from "express";
import { Errors, normalizeUuid, sendJson, serviceContext, UploadService, type Job, type PluginHost, type Upload } from "@assets/core";
import { signedIn } from "@assets/drf";
import { renderExecutionRequest, type ExecutionRequestBody } from "./execution-request.js";
import { geonodeUrls } from "./geonode-urls.js";

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
  router.get("/executionrequest/:id", signedIn, async (req, res) => {
    sendJson(req, res, 200, { request: await visible(req, String(req.params.id)) });
  });
  router.get("/resource-service/execution-status/:id", signedIn, async (req, res) => {
    const { user, status, func_name, created, finished, last_updated, input_params, output_params, step, log } = await visible(req, String(req.params.id));
    sendJson(req, res, 200, { user, status, func_name, created, finished, last_updated, input_params, output_params, step, log });
  });
  return router;
}
