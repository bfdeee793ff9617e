import { Router } from "express";
import { searchParams, serviceContext } from "@assets/core";
import { parseDjangoQuery, allowOnly, drfList, drfPage, uuidParam } from "@assets/drf";
import { serializeLabelType, serializeLayer, serializeOrganisation } from "./dependent-serializer.js";
import type { DependentService } from "./dependent-service.js";
import { RASTER_LAYER_LIST } from "./lizard-dialect.js";
import { lizardUrls } from "./lizard-urls.js";

/** Read-only `/rasters/`, `/labeltypes/{uuid}/` and `/organisations/{uuid}/`: where a raster source's links lead. */
export function dependentRoutes(service: DependentService): Router {
  const router = Router();

  router.get("/rasters/", async (req, res) => {
    const ctx = serviceContext(req);
    const { rows, total, page } = await drfList(parseDjangoQuery(searchParams(req), RASTER_LAYER_LIST), (query) => service.listLayers(ctx, query));
    const urls = lizardUrls(req);
    res.json(drfPage(req, page, total, rows.map((view) => serializeLayer(view, urls))));
  });
  router.all("/rasters/", allowOnly(["GET"]));

  router.get("/rasters/:uuid/", async (req, res) => {
    res.json(serializeLayer(await service.getLayer(serviceContext(req), uuidParam(req)), lizardUrls(req)));
  });
  router.all("/rasters/:uuid/", allowOnly(["GET"]));

  router.get("/labeltypes/:uuid/", async (req, res) => {
    res.json(serializeLabelType(await service.getLabelType(serviceContext(req), uuidParam(req)), lizardUrls(req)));
  });
  router.all("/labeltypes/:uuid/", allowOnly(["GET"]));

  router.get("/organisations/:uuid/", async (req, res) => {
    res.json(serializeOrganisation(await service.getOrganisation(serviceContext(req), uuidParam(req)), lizardUrls(req)));
  });
  router.all("/organisations/:uuid/", allowOnly(["GET"]));

  return router;
}
