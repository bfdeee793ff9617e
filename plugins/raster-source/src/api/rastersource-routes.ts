import { Router } from "express";
import { route, searchParams, serviceContext } from "@assets/core";
import { parseDjangoQuery, allowOnly, djangoListParameters, drfErrors, drfList, drfPage, drfPageSchema, DRF_OBJECT, signedIn, uuidParam } from "@assets/drf";
import { RASTER_SOURCE_LIST, RASTER_UPLOAD_LIST } from "./lizard-dialect.js";
import { lizardUrls } from "./lizard-urls.js";
import { forceRequested, rasterSourceCreate, rasterSourcePatch } from "./rastersource-input.js";
import { serializeRasterSource, serializeSourceUpload } from "./rastersource-serializer.js";
import type { RasterSourceService } from "./rastersource-service.js";

const LIST = "/rastersources/";
const DETAIL = "/rastersources/:uuid/";
const UPLOADS = "/rastersources/:uuid/uploads/";
const TAGS = ["rastersources"];
const SOURCE_PAGE = drfPageSchema("RasterSourcePage");
const UPLOAD_PAGE = drfPageSchema("RasterSourceUploadPage");

/** `/rastersources/`, `/rastersources/{uuid}/` and `/rastersources/{uuid}/uploads/` with Lizard's semantics. */
export function rasterSourceRoutes(service: RasterSourceService): Router {
  const router = Router();

  route(router, {
    method: "get",
    path: LIST,
    summary: "List raster sources",
    tags: TAGS,
    parameters: djangoListParameters(RASTER_SOURCE_LIST),
    responses: { 200: { description: "A page of raster sources", schema: SOURCE_PAGE }, ...drfErrors(400, 404) },
    handler: async (req, res) => {
      const ctx = serviceContext(req);
      const { rows, total, page } = await drfList(parseDjangoQuery(searchParams(req), RASTER_SOURCE_LIST), (query) => service.list(ctx, query));
      const urls = lizardUrls(req);
      res.json(drfPage(req, page, total, rows.map((view) => serializeRasterSource(view, urls))));
    },
  });

  route(router, {
    method: "post",
    path: LIST,
    summary: "Create a raster source",
    tags: TAGS,
    signedIn: true,
    middleware: [signedIn],
    body: rasterSourceCreate,
    responses: { 201: { description: "The new raster source", schema: DRF_OBJECT, headers: { Location: "Its URL" } }, ...drfErrors(400, 401, 403) },
    handler: async (req, res, input) => {
      const view = await service.create(serviceContext(req), input.body);
      const body = serializeRasterSource(view, lizardUrls(req));
      res.status(201).location(body.url).json(body);
    },
  });
  router.all(LIST, allowOnly(["GET", "POST"]));

  route(router, {
    method: "get",
    path: UPLOADS,
    summary: "The uploads of a raster source",
    tags: TAGS,
    parameters: djangoListParameters(RASTER_UPLOAD_LIST),
    responses: { 200: { description: "A page of uploads", schema: UPLOAD_PAGE }, ...drfErrors(400, 404) },
    handler: async (req, res) => {
      const ctx = serviceContext(req);
      const uuid = uuidParam(req);
      const { rows, total, page } = await drfList(parseDjangoQuery(searchParams(req), RASTER_UPLOAD_LIST), (query) => service.uploadsOf(ctx, uuid, query));
      res.json(drfPage(req, page, total, rows.map(serializeSourceUpload)));
    },
  });
  router.all(UPLOADS, allowOnly(["GET"]));

  route(router, {
    method: "get",
    path: DETAIL,
    summary: "A raster source",
    tags: TAGS,
    responses: { 200: { description: "The raster source", schema: DRF_OBJECT }, ...drfErrors(404) },
    handler: async (req, res) => {
      res.json(serializeRasterSource(await service.get(serviceContext(req), uuidParam(req)), lizardUrls(req)));
    },
  });

  // PUT is a full update: name and organisation are required, as on creation.
  route(router, {
    method: "put",
    path: DETAIL,
    summary: "Replace a raster source's fields",
    tags: TAGS,
    signedIn: true,
    middleware: [signedIn],
    body: rasterSourceCreate,
    responses: { 200: { description: "The raster source", schema: DRF_OBJECT }, ...drfErrors(400, 401, 403, 404) },
    handler: async (req, res, input) => {
      const view = await service.update(serviceContext(req), uuidParam(req), input.body);
      res.json(serializeRasterSource(view, lizardUrls(req)));
    },
  });

  route(router, {
    method: "patch",
    path: DETAIL,
    summary: "Change some of a raster source's fields",
    tags: TAGS,
    signedIn: true,
    middleware: [signedIn],
    body: rasterSourcePatch,
    responses: { 200: { description: "The raster source", schema: DRF_OBJECT }, ...drfErrors(400, 401, 403, 404) },
    handler: async (req, res, input) => {
      const view = await service.update(serviceContext(req), uuidParam(req), input.body);
      res.json(serializeRasterSource(view, lizardUrls(req)));
    },
  });

  route(router, {
    method: "delete",
    path: DETAIL,
    summary: "Delete a raster source",
    description: 'A source still used by raster layers is refused unless the body is `{"force": true}`.',
    tags: TAGS,
    signedIn: true,
    middleware: [signedIn],
    responses: { 204: { description: "Deleted" }, ...drfErrors(400, 401, 403, 404, 409) },
    handler: async (req, res) => {
      await service.delete(serviceContext(req), uuidParam(req), forceRequested(req.body));
      res.status(204).end();
    },
  });
  router.all(DETAIL, allowOnly(["GET", "PUT", "PATCH", "DELETE"]));

  return router;
}
