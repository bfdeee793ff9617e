import { Readable } from "node:stream";
import { Busboy } from "@fastify/busboy";
import { Router, type Request } from "express";
import { z } from "zod";
import { Errors, route, serviceContext } from "@assets/core";
import { allowOnly, signedIn } from "@assets/drf";
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
  return router;
}
