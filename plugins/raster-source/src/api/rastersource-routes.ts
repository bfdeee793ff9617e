import { Router } from "express";
import { searchParams, serviceContext } from "@assets/core";
import { parseDjangoQuery, allowOnly, drfList, drfPage, signedIn, uuidParam } from "@assets/drf";
import { RASTER_SOURCE_LIST, RASTER_UPLOAD_LIST } from "./lizard-dialect.js";
import { lizardUrls } from "./lizard-urls.js";
import { forceRequested, parseBody, rasterSourceCreate, rasterSourcePatch } from "./rastersource-input.js";
import { serializeRasterSource, serializeSourceUpload } from "./rastersource-serializer.js";
import type { RasterSourceService } from "./rastersource-service.js";

const LIST = "/rastersources/";
const DETAIL = "/rastersources/:uuid/";
const UPLOADS = "/rastersources/:uuid/uploads/";

/** `/rastersources/`, `/rastersources/{uuid}/` and `/rastersources/{uuid}/uploads/` with Lizard's semantics. */
export function rasterSourceRoutes(service: RasterSourceService): Router {
  const router = Router();

  router.get(LIST, async (req, res) => {
    const ctx = serviceContext(req);
    const { rows, total, page } = await drfList(parseDjangoQuery(searchParams(req), RASTER_SOURCE_LIST), (query) => service.list(ctx, query));
    const urls = lizardUrls(req);
    res.json(drfPage(req, page, total, rows.map((view) => serializeRasterSource(view, urls))));
  });

  router.post(LIST, signedIn, async (req, res) => {
    const view = await service.create(serviceContext(req), parseBody(req.body, rasterSourceCreate));
    const body = serializeRasterSource(view, lizardUrls(req));
    res.status(201).location(body.url).json(body);
  });
  router.all(LIST, allowOnly(["GET", "POST"]));

  router.get(UPLOADS, async (req, res) => {
    const ctx = serviceContext(req);
    const uuid = uuidParam(req);
    const { rows, total, page } = await drfList(parseDjangoQuery(searchParams(req), RASTER_UPLOAD_LIST), (query) => service.uploadsOf(ctx, uuid, query));
    res.json(drfPage(req, page, total, rows.map(serializeSourceUpload)));
  });
  router.all(UPLOADS, allowOnly(["GET"]));

  router.get(DETAIL, async (req, res) => {
    res.json(serializeRasterSource(await service.get(serviceContext(req), uuidParam(req)), lizardUrls(req)));
  });

  // PUT is a full update: name and organisation are required, as on creation.
  router.put(DETAIL, signedIn, async (req, res) => {
    const view = await service.update(serviceContext(req), uuidParam(req), parseBody(req.body, rasterSourceCreate));
    res.json(serializeRasterSource(view, lizardUrls(req)));
  });

  router.patch(DETAIL, signedIn, async (req, res) => {
    const view = await service.update(serviceContext(req), uuidParam(req), parseBody(req.body, rasterSourcePatch));
    res.json(serializeRasterSource(view, lizardUrls(req)));
  });

  router.delete(DETAIL, signedIn, async (req, res) => {
    await service.delete(serviceContext(req), uuidParam(req), forceRequested(req.body));
    res.status(204).end();
  });
  router.all(DETAIL, allowOnly(["GET", "PUT", "PATCH", "DELETE"]));

  return router;
}
