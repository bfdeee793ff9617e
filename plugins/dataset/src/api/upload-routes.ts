import { Router } from "express";
import { accessibleResources, sendJson, serviceContext, type PluginHost } from "@assets/core";
import { signedIn } from "@assets/drf";
import { layerName } from "../processing/commit.js";
import { ingestGeonodeForm } from "./geonode-upload-form.js";

/**
 * GeoNode's `POST /uploads/upload`: the dataset upload form, streamed into the pipeline; answers
 * 201 `{execution_id}`, the job to poll at `/executionrequest/{execution_id}`.
 */
export function uploadRoutes(host: PluginHost): Router {
  const router = Router();
  router.post("/uploads/upload", signedIn, async (req, res) => {
    const ctx = serviceContext(req);
    // overwrite_existing_layer: the dataset of the same layer name the caller may change, if any.
    const overwritten = async (filename: string) => {
      const dataset = await ctx.db.dataset.findFirst({
        where: { alternate: `geonode:${layerName(filename)}`, resource: accessibleResources(ctx.ability, "change") },
        select: { resource_id: true },
      });
      return dataset?.resource_id;
    };
    const { job } = await ingestGeonodeForm(req, ctx, host.uploads, overwritten);
    sendJson(req, res, 201, { execution_id: job.id });
  });
  return router;
}
