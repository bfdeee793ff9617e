/**
 * `GET /assets/:id/:filename`: an asset's file as DatoCMS's CDN serves it, with imgix's
 * parameters (`w`, `h`, `fit`, `crop`, `fp-x`, `fp-y`, `fm`, `q`, `dpr`, `auto`, `rect` …)
 * applied to images. The path is the asset's DatoCMS `path`, so an asset's `url` is this
 * router's mount point + `/assets` + `path`. Errors are thrown for the mounting profile's
 * error handler to render.
 */
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Router, type Response } from "express";
import { z } from "zod";
import { route, type ParameterSpec, type PluginHost, type StorageDriver, searchParams, serviceContext } from "@assets/core";
import { FITS, OUTPUT_FORMATS } from "./imgix-params.js";
import { deliverFile, deliverImage, type DeliveryContext, type ImageAnswer } from "./deliver-image.js";
import { findDeliveredAsset } from "./delivered-asset.js";
import { DerivativeMaker } from "./derivative-maker.js";
import type { RenderOptions } from "./render-derivative.js";
import type { TransformLimits } from "./transform-plan.js";

/** Settings of image delivery; every field has a default. */
export interface DeliveryOptions {
  /** Output and input bounds of one transform (longest side 5000, 25 MP out, 100 MP in). */
  limits?: Partial<TransformLimits>;
  /** libvips' time limit per render (20 s) and its pixel limit. */
  render?: Partial<RenderOptions>;
  /** Renders running at once (4) and waiting (32) before further ones are answered 429. */
  maxInFlight?: number;
  maxQueued?: number;
  /** How long caches may keep an answer, in seconds (default one day). */
  maxAgeSeconds?: number;
  /** Where originals are copied for rendering (default: the OS temp dir). */
  tmpDir?: string;
  /**
   * Builds the maker of derivatives over the host's storage (single-flight and the bounds are
   * per maker); default: one with `maxInFlight` and `maxQueued`.
   */
  maker?: (storage: StorageDriver) => DerivativeMaker;
}

const ONE_DAY = 86_400;

// A delivered file is never a page: an SVG or HTML upload cannot run scripts in our origin.
const SAFE_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
};

/** imgix's rendering parameters this route reads (see imgix-params.ts). */
const DELIVERY_PARAMETERS: ParameterSpec[] = [
  { name: "w", in: "query", description: "Width in pixels", schema: { type: "number" } },
  { name: "h", in: "query", description: "Height in pixels", schema: { type: "number" } },
  { name: "fit", in: "query", schema: { type: "string", enum: [...FITS] } },
  { name: "crop", in: "query", description: "Comma-separated", schema: { type: "string" } },
  { name: "fp-x", in: "query", description: "Focal point, 0 to 1", schema: { type: "number" } },
  { name: "fp-y", in: "query", description: "Focal point, 0 to 1", schema: { type: "number" } },
  { name: "fp-z", in: "query", description: "Zoom on the focal point", schema: { type: "number" } },
  { name: "fm", in: "query", description: "Output format", schema: { type: "string", enum: [...OUTPUT_FORMATS] } },
  { name: "q", in: "query", description: "Quality, 0 to 100", schema: { type: "integer" } },
  { name: "dpr", in: "query", schema: { type: "number" } },
  { name: "ar", in: "query", description: "Aspect ratio, e.g. 16:9", schema: { type: "string" } },
  { name: "rect", in: "query", description: "x,y,w,h source rectangle", schema: { type: "string" } },
  { name: "auto", in: "query", description: "Comma-separated: format, compress", schema: { type: "string" } },
  { name: "If-None-Match", in: "header", schema: { type: "string" } },
];

/** The delivery route over the host's database and storage. */
export function deliveryRouter(host: PluginHost, options: DeliveryOptions = {}): Router {
  const maker = options.maker?.(host.storage) ?? new DerivativeMaker({ storage: host.storage, maxInFlight: options.maxInFlight, maxQueued: options.maxQueued });
  const maxAge = options.maxAgeSeconds ?? ONE_DAY;
  const router = Router();

  route(router, {
    method: "get",
    path: "/assets/:id/:filename",
    summary: "An upload's file, or an image derivative (imgix parameters)",
    description: "The upload's `url`. Images take imgix's rendering parameters; other files are sent as stored. Conditional on If-None-Match.",
    tags: ["assets"],
    parameters: DELIVERY_PARAMETERS,
    responses: {
      200: { description: "The file or derivative (its own media type)", contentType: "application/octet-stream", schema: z.string().meta({ contentMediaType: "application/octet-stream" }) },
      304: { description: "Not modified" },
      400: { description: "A bad imgix parameter" },
      404: { description: "No such asset, or not visible to the caller" },
    },
    handler: async (req, res) => {
      const ctx = serviceContext(req);
      const asset = await findDeliveredAsset(ctx, host.storage, `/${req.params.id}/${req.params.filename}`);
      const delivery: DeliveryContext = {
        storage: host.storage,
        maker,
        limits: options.limits,
        render: options.render,
        tmpDir: options.tmpDir,
        // Anyone may read a public asset, so shared caches may keep it; others stay with the caller.
        cacheControl: `${asset.public ? "public" : "private"}, max-age=${maxAge}`,
      };
      const request = { query: searchParams(req), accept: req.get("accept"), ifNoneMatch: req.get("if-none-match") };
      const answer = asset.isImage ? await deliverImage(asset.image, request, delivery) : deliverFile(asset.image, request, delivery);
      await send(res, answer);
    },
  });
  return router;
}

async function send(res: Response, answer: ImageAnswer): Promise<void> {
  res.status(answer.status).set({ ...SAFE_HEADERS, ...answer.headers });
  if (answer.status === 304) {
    res.end();
    return;
  }
  const body: Readable = await answer.body();
  try {
    await pipeline(body, res);
  } catch {
    // The client went away or storage failed mid-body: the headers are out, so only the connection can say it.
    res.destroy();
  }
}
