import { Router } from "express";
import { z } from "zod";
import { route, searchParams, sendJson, serviceContext, type PluginHost } from "@assets/core";
import { allowOnly, drfPageParameters, lastDjangoPage, parseDjangoPage, signedIn } from "@assets/drf";
import { ExecutionService } from "./execution-service.js";
import { GEONODE_OBJECT, geonodeErrors, geonodePageSchema } from "./geonode-openapi.js";
import { geonodePage } from "./geonode-page.js";
import { geonodeUrls } from "./geonode-urls.js";

/** GeoNode's page size of execution-request lists. */
const PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 100;
const EXECUTION_PAGE = geonodePageSchema("GeonodeExecutionRequestPage", "requests");

/**
 * GeoNode's execution requests over the pipeline's jobs: `GET /executionrequest/` (the caller's,
 * GeoNode's envelope under `requests`), `GET /executionrequest/{id}` (`{request: …}`, what the
 * QGIS plugin polls), `DELETE /executionrequest/{id}`, and `GET /resource-service/execution-status/{id}`
 * (the same fields, flat).
 */
export function executionRoutes(host: PluginHost): Router {
  const executions = new ExecutionService(host.jobs);
  const router = Router();

  route(router, {
    method: "get",
    path: "/executionrequest/",
    summary: "The caller's execution requests (uploads and resource-service operations), oldest first",
    tags: ["executionrequest"],
    signedIn: true,
    middleware: [signedIn],
    parameters: drfPageParameters({ fields: {}, defaultLimit: PAGE_SIZE, maxLimit: MAX_PAGE_SIZE }),
    responses: { 200: { description: "A page of execution requests", schema: EXECUTION_PAGE }, ...geonodeErrors(401, 404) },
    handler: async (req, res) => {
      const ctx = serviceContext(req);
      const asked = parseDjangoPage(searchParams(req), { fields: {}, defaultLimit: PAGE_SIZE, maxLimit: MAX_PAGE_SIZE });
      const first = { offset: asked.number === "last" ? 0 : (asked.number - 1) * asked.size, limit: asked.size };
      let { rows, total } = await executions.list(ctx, first, geonodeUrls(req));
      let page = first;
      if (asked.number === "last") {
        page = lastDjangoPage(first, total);
        if (page.offset !== first.offset) ({ rows, total } = await executions.list(ctx, page, geonodeUrls(req)));
      }
      sendJson(req, res, 200, geonodePage(req, "requests", page, total, rows));
    },
  });
  router.all("/executionrequest/", allowOnly(["GET"]));

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
      sendJson(req, res, 200, { request: await executions.get(serviceContext(req), String(req.params.id), geonodeUrls(req)) });
    },
  });
  route(router, {
    method: "delete",
    path: "/executionrequest/:id",
    summary: "Delete one of the caller's finished or failed execution requests",
    tags: ["executionrequest"],
    signedIn: true,
    middleware: [signedIn],
    responses: { 200: { description: "Deleted (no body)" }, ...geonodeErrors(401, 404, 409) },
    handler: async (req, res) => {
      await executions.remove(serviceContext(req), String(req.params.id));
      res.status(200).end();
    },
  });
  router.all("/executionrequest/:id", allowOnly(["GET", "DELETE"]));

  route(router, {
    method: "get",
    path: "/resource-service/execution-status/:id",
    summary: "An execution request's status, flat",
    tags: ["resource-service"],
    signedIn: true,
    middleware: [signedIn],
    responses: { 200: { description: "Its status, user, times, input and output", schema: GEONODE_OBJECT }, ...geonodeErrors(401, 404) },
    handler: async (req, res) => {
      const { user, status, func_name, created, finished, last_updated, input_params, output_params, step, log } = await executions.get(serviceContext(req), String(req.params.id), geonodeUrls(req));
      sendJson(req, res, 200, { user, status, func_name, created, finished, last_updated, input_params, output_params, step, log });
    },
  });
  return router;
}
