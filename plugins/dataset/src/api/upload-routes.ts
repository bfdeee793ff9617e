import { Router } from "express";
import { z } from "zod";
import { accessibleResources, route, sendJson, serviceContext, type PluginHost } from "@assets/core";
import { geonodeErrors } from "./geonode-openapi.js";
import { signedIn } from "@assets/drf";
import { layerName } from "../processing/commit.js";
import { ResourceBaseService, typeScope } from "./resource-base-service.js";
import { GEONODE_UPLOAD_FORM, ingestGeonodeForm } from "./geonode-upload-form.js";

/**
 * GeoNode's `POST /uploads/upload`: the dataset upload form, streamed into the pipeline; answers
 * 201 `{execution_id}`, the job to poll at `/executionrequest/{execution_id}`.
 */
export function uploadRoutes(host: PluginHost): Router {
  const router = Router();
  const datasets = new ResourceBaseService();
  route(router, {
    method: "post",
    path: "/uploads/upload",
    summary: "Upload a dataset (GeoNode's upload form)",
    description: "Streams the form's files into the pipeline; 201 with the execution request to poll at /executionrequest/{execution_id}.",
    tags: ["uploads"],
    signedIn: true,
    middleware: [signedIn],
    requestBody: { schema: GEONODE_UPLOAD_FORM, contentTypes: ["multipart/form-data"] },
    responses: { 201: { description: "The execution request", schema: z.object({ execution_id: z.string() }) }, ...geonodeErrors(400, 401, 403, 413, 415) },
    handler: async (req, res) => {
    const ctx = serviceContext(req);
    // overwrite_existing_layer: the dataset resource_pk names (404 unseen, 403 unchangeable), else the
    // dataset of the same layer name the caller may change, if any.
    const overwritten = async (filename: string, resourcePk: number | undefined) => {
      if (resourcePk !== undefined) return (await datasets.authorize(ctx, String(resourcePk), "change", typeScope("dataset"))).id;
      const dataset = await ctx.db.dataset.findFirst({
        where: { alternate: `geonode:${layerName(filename)}`, resource: accessibleResources(ctx.ability, "change") },
        select: { resource_id: true },
      });
      return dataset?.resource_id;
    };
    const { job } = await ingestGeonodeForm(req, ctx, host.uploads, overwritten);
    sendJson(req, res, 201, { execution_id: job.id });
    },
  });
  return router;
}
