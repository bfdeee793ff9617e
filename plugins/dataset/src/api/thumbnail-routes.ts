import { Readable } from "node:stream";
import { Busboy } from "@fastify/busboy";
import { Router, type Request } from "express";
import { z } from "zod";
import { Errors, route, serviceContext } from "@assets/core";
import { allowOnly, invalidFields, signedIn } from "@assets/drf";
import { crsFromEpsg } from "../crs/epsg.js";
import type { ThumbnailArea } from "../thumbnail/bbox-thumbnail.js";
import { geonodeErrors } from "./geonode-openapi.js";
import { geonodeUrls } from "./geonode-urls.js";
import { idParam } from "./resource-base-routes.js";
import { MAX_THUMBNAIL_BYTES, type ThumbnailService } from "./thumbnail-service.js";

/** GeoNode's BASE64_PATTERN: a data URL of a PNG or JPEG. */
const DATA_URL = /^data:image\/(png|jpe?g);base64,([A-Za-z0-9+/=\s]+)$/;

/** The first `file` part of a multipart body, as a stream (the rest of the body is drained). */
function multipartFile(req: Request): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const parser = Busboy({ headers: req.headers as { "content-type": string }, limits: { files: 1, fileSize: MAX_THUMBNAIL_BYTES + 1, fields: 10 } });
    let found = false;
    parser.on("file", (field, stream) => {
      if (field !== "file" || found) return void stream.resume();
      found = true;
      resolve(stream);
    });
    parser.on("error", (error: Error) => reject(Errors.INVALID_BODY({ detail: `Malformed multipart body: ${error.message}`, cause: error })));
    parser.on("finish", () => {
      if (!found) reject(Errors.INVALID_BODY({ detail: "Field file is required" }));
    });
    req.pipe(parser);
  });
}

/** The image of a `set_thumbnail` request: a multipart `file`, a JSON `{file: "data:image/...;base64,..."}`, or an image body. */
function imageOf(req: Request): Promise<Readable> {
  if (req.is("multipart/form-data")) return multipartFile(req);
  if (req.is("image/*")) return Promise.resolve(req);
  const file = (req.body as { file?: unknown } | undefined)?.file;
  if (typeof file !== "string" || file === "") throw Errors.INVALID_BODY({ detail: "Field file is required" });
  const match = DATA_URL.exec(file);
  if (!match) throw Errors.INVALID_BODY({ detail: "file must be an image upload or a base64 data URL of a PNG or JPEG (a thumbnail URL is not taken here)" });
  return Promise.resolve(Readable.from([Buffer.from(match[2]!.replace(/\s+/g, ""), "base64")]));
}

/** GeoNode's `set_thumbnail_from_bbox` body: `bbox` as `[xmin, xmax, ymin, ymax]` in `srid`; `zoom` (a background map's) is read and unused. */
const BBOX_BODY = z.object({
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).describe("[xmin, xmax, ymin, ymax] in srid's coordinates (GeoNode's order)"),
  srid: z.union([z.string(), z.number().int()]).describe('"EPSG:<code>" (or the code)'),
  zoom: z.number().optional().describe("Accepted and unused: no background map is drawn"),
});

/** The area of a `set_thumbnail_from_bbox` body; a bad bbox or srid is a field-keyed 400. */
export function parseThumbnailArea(body: unknown): ThumbnailArea {
  const record = (typeof body === "object" && body !== null && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  if (!("bbox" in record)) throw invalidFields({ bbox: ["This field is required."] });
  if (!("srid" in record)) throw invalidFields({ srid: ["This field is required."] });
  const bbox = record.bbox;
  if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((n) => typeof n === "number" && Number.isFinite(n))) {
    throw invalidFields({ bbox: ["Expected four numbers: [xmin, xmax, ymin, ymax]."] });
  }
  const [x0, x1, y0, y1] = bbox as [number, number, number, number];
  if (!(x0 < x1 && y0 < y1)) throw invalidFields({ bbox: ["Expected [xmin, xmax, ymin, ymax] with xmin < xmax and ymin < ymax."] });
  const code = typeof record.srid === "number" ? String(record.srid) : /^(?:EPSG:)?(\d+)$/i.exec(String(record.srid).trim())?.[1];
  const crs = code ? crsFromEpsg(Number(code)) : null;
  if (!crs) throw invalidFields({ srid: [`"${String(record.srid)}" is not a known EPSG code.`] });
  if (crs.epsg === 4326 && (y0 < -90 || y1 > 90 || x0 < -360 || x1 > 360)) throw invalidFields({ bbox: ["Latitudes lie within -90..90 and longitudes within -360..360 in EPSG:4326."] });
  return { bbox: [x0, y0, x1, y1], crs };
}

/** `PUT /resources/{id}/set_thumbnail/` answering `{thumbnail_url}`. */
export function thumbnailRoutes(service: ThumbnailService): Router {
  const router = Router();
  route(router, {
    method: "put",
    path: "/resources/:id/set_thumbnail/",
    summary: "Set the resource's thumbnail from an image",
    description: "multipart `file`, JSON `{file: <data URL of a PNG or JPEG>}` or an image body; at most 1 MB; stored as PNG.",
    tags: ["resources"],
    signedIn: true,
    middleware: [signedIn],
    responses: { 200: { description: "The new thumbnail's URL", schema: z.object({ thumbnail_url: z.string() }) }, ...geonodeErrors(400, 401, 403, 404) },
    handler: async (req, res) => {
      const ctx = serviceContext(req);
      const id = idParam(req);
      // Who may change it is decided before the body is read.
      const row = await service.authorize(ctx, id);
      await service.set(ctx, id, await imageOf(req));
      res.json({ thumbnail_url: geonodeUrls(req).api(`/resources/${row.id}/thumbnail.png`) });
    },
  });
  router.all("/resources/:id/set_thumbnail/", allowOnly(["PUT"]));

  route(router, {
    method: "post",
    path: "/resources/:id/set_thumbnail_from_bbox/",
    summary: "Draw the dataset's thumbnail from its features inside a bbox",
    description: "GeoNode's body `{bbox: [xmin, xmax, ymin, ymax], srid}`; the features meeting the bbox (a bounded random sample) are drawn fitted to it. Vector datasets only.",
    tags: ["resources"],
    signedIn: true,
    middleware: [signedIn],
    validateBody: false,
    body: BBOX_BODY,
    responses: {
      200: { description: "The new thumbnail", schema: z.object({ message: z.string(), success: z.boolean(), thumbnail_url: z.string() }) },
      ...geonodeErrors(400, 401, 403, 404, 405),
    },
    handler: async (req, res) => {
      const ctx = serviceContext(req);
      const id = idParam(req);
      const row = await service.authorize(ctx, id);
      await service.drawFromBBox(ctx, id, parseThumbnailArea(req.body));
      res.json({ message: "Thumbnail correctly created.", success: true, thumbnail_url: geonodeUrls(req).api(`/resources/${row.id}/thumbnail.png`) });
    },
  });
  router.all("/resources/:id/set_thumbnail_from_bbox/", allowOnly(["POST"]));
  return router;
}
