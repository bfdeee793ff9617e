import { Router } from "express";
import { route, searchParams, serviceContext } from "@assets/core";
import { parseDjangoQuery, allowOnly, djangoListParameters, drfErrors, drfList, drfPage, drfPageSchema, DRF_OBJECT, uuidParam } from "@assets/drf";
import { serializeLabelType, serializeLayer, serializeOrganisation } from "./dependent-serializer.js";
import type { DependentService } from "./dependent-service.js";
import { RASTER_LAYER_LIST } from "./lizard-dialect.js";
import { lizardUrls } from "./lizard-urls.js";

const LAYER_PAGE = drfPageSchema("RasterLayerPage");

/** Read-only `/rasters/`, `/labeltypes/{uuid}/` and `/organisations/{uuid}/`: where a raster source's links lead. */
export function dependentRoutes(service: DependentService): Router {
  const router = Router();

  route(router, {
    method: "get",
    path: "/rasters/",
    summary: "List raster layers",
    parameters: djangoListParameters(RASTER_LAYER_LIST),
    responses: { 200: { description: "A page of raster layers", schema: LAYER_PAGE }, ...drfErrors(400, 404) },
    handler: async (req, res) => {
      const ctx = serviceContext(req);
      const { rows, total, page } = await drfList(parseDjangoQuery(searchParams(req), RASTER_LAYER_LIST), (query) => service.listLayers(ctx, query));
      const urls = lizardUrls(req);
      res.json(drfPage(req, page, total, rows.map((view) => serializeLayer(view, urls))));
    },
  });
  router.all("/rasters/", allowOnly(["GET"]));

  const details = [
    { path: "/rasters/:uuid/", summary: "A raster layer", read: async (req: Parameters<typeof uuidParam>[0]) => serializeLayer(await service.getLayer(serviceContext(req), uuidParam(req)), lizardUrls(req)) },
    { path: "/labeltypes/:uuid/", summary: "A label type", read: async (req: Parameters<typeof uuidParam>[0]) => serializeLabelType(await service.getLabelType(serviceContext(req), uuidParam(req)), lizardUrls(req)) },
    { path: "/organisations/:uuid/", summary: "An organisation", read: async (req: Parameters<typeof uuidParam>[0]) => serializeOrganisation(await service.getOrganisation(serviceContext(req), uuidParam(req)), lizardUrls(req)) },
  ];
  for (const { path, summary, read } of details) {
    route(router, {
      method: "get",
      path,
      summary,
      responses: { 200: { description: summary, schema: DRF_OBJECT }, ...drfErrors(404) },
      handler: async (req, res) => {
        res.json(await read(req));
      },
    });
    router.all(path, allowOnly(["GET"]));
  }

  return router;
}
