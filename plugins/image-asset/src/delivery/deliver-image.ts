/**
 * One image request, independent of the HTTP framework: parameters to a plan, the plan to a
 * stored derivative (made once), and the answer's status, headers and body. A route only
 * authorizes, loads the asset and writes what this returns.
 */
import { PassThrough, type Readable } from "node:stream";
import { Errors, type AppError, type StorageDriver } from "@assets/core";
import { withSpooledFile } from "../processing/spool-file.js";
import { derivativeETag, derivativeKey, derivativeMimeType } from "./derivative-key.js";
import type { DerivativeMaker } from "./derivative-maker.js";
import { IMGIX_PARAMETERS, parseImgixParams } from "./imgix-params.js";
import { renderDerivative, type RenderOptions } from "./render-derivative.js";
import { planTransform, type SourceImage, type TransformLimits } from "./transform-plan.js";

/** The stored original of an image asset. */
export interface StoredImage {
  /** Content hash: names the original's ETag and its derivatives' keys. */
  sha256: string;
  mimeType: string;
  /** Streams the original's bytes. */
  open(): Promise<Readable>;
  /** Its facts as processing recorded them. */
  source: SourceImage;
}

/** What one request asks. */
export interface ImageRequest {
  query: URLSearchParams;
  accept?: string;
  ifNoneMatch?: string;
}

/** Shared machinery and settings of image delivery. */
export interface DeliveryContext {
  storage: StorageDriver;
  maker: DerivativeMaker;
  limits?: Partial<TransformLimits>;
  render?: Partial<RenderOptions>;
  /** The Cache-Control of every answer; the route picks it (public assets may be cached by anyone). */
  cacheControl: string;
  /** Where the original is copied for rendering (sharp reads files; drivers stream). */
  tmpDir?: string;
}

/** The answer to write. `body` opens the bytes; call it only for a 200. */
export type ImageAnswer =
  | { status: 304; headers: Record<string, string> }
  | { status: 200; headers: Record<string, string>; body: () => Promise<Readable> };

/**
 * Answers one image request. Bad parameters and limits reject with the 400/422 of
 * `planTransform`, a full render queue with 429. A matching If-None-Match is a 304 before
 * anything is rendered: the ETag follows from the plan alone.
 */
export async function deliverImage(image: StoredImage, request: ImageRequest, ctx: DeliveryContext): Promise<ImageAnswer> {
  const decision = planTransform(parseImgixParams(request.query), image.source, { accept: request.accept, limits: ctx.limits });
  const headers: Record<string, string> = { "Cache-Control": ctx.cacheControl };
  if (decision.variesOnAccept) headers.Vary = "Accept";
  if (decision.kind === "original") return originalAnswer(image, request, headers);
  const { plan } = decision;
  headers.ETag = derivativeETag(image.sha256, plan);
  if (matches(request.ifNoneMatch, headers.ETag)) return { status: 304, headers };
  const key = derivativeKey(image.sha256, plan);
  const contentType = derivativeMimeType(plan);
  let removed: Promise<void> | undefined;
  const render = () => {
    const spooled = spooledRender(image, (path) => renderDerivative(path, image.source, plan, ctx.render), ctx.tmpDir);
    removed = spooled.removed;
    return spooled.stream;
  };
  try {
    await ctx.maker.ensure(key, render, { contentType });
  } finally {
    await removed; // the local copy is gone before the answer, also after a failure
  }
  const stat = await ctx.storage.stat(key);
  return {
    status: 200,
    headers: { ...headers, "Content-Type": contentType, ...(stat ? { "Content-Length": String(stat.size) } : {}) },
    body: () => ctx.storage.get(key),
  };
}

/**
 * Answers a request for a file that is not an image: its bytes as they are. imgix parameters
 * are refused with the 400 naming the first one, since nothing here transforms such files.
 */
export function deliverFile(file: Pick<StoredImage, "sha256" | "mimeType" | "open">, request: ImageRequest, ctx: Pick<DeliveryContext, "cacheControl">): ImageAnswer {
  const parameter = IMGIX_PARAMETERS.find((name) => request.query.has(name));
  if (parameter) throw Errors.INVALID_PARAMETER({ detail: `${parameter} cannot be applied: the file is not an image`, source: { parameter } });
  return originalAnswer(file, request, { "Cache-Control": ctx.cacheControl });
}

/** The stored original, named by its content hash. */
function originalAnswer(file: Pick<StoredImage, "sha256" | "mimeType" | "open">, request: ImageRequest, headers: Record<string, string>): ImageAnswer {
  const tagged = { ...headers, ETag: `"${file.sha256}"` };
  if (matches(request.ifNoneMatch, tagged.ETag)) return { status: 304, headers: tagged };
  return { status: 200, headers: { ...tagged, "Content-Type": file.mimeType }, body: () => file.open() };
}

/**
 * A stream of `render(path)` over a local copy of the original; `removed` settles once the
 * stream has ended or failed and the copy is deleted.
 */
function spooledRender(image: StoredImage, render: (path: string) => Readable, tmpDir: string | undefined): { stream: Readable; removed: Promise<void> } {
  // A PassThrough handed out at once, fed when the copy is ready: ensure() takes a stream synchronously.
  const out = new PassThrough();
  const removed = withSpooledFile(
    () => image.open(),
    (file) =>
      new Promise<void>((resolve) => {
        const rendered = render(file.path);
        rendered.on("error", (error) => out.destroy(renderError(error)));
        // Finished, failed or abandoned by the storage driver: stop rendering, then remove the copy.
        out.on("close", () => {
          rendered.destroy();
          resolve();
        });
        rendered.pipe(out);
      }),
    { dir: tmpDir },
  ).catch((error: unknown) => {
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  return { stream: out, removed };
}

/** If-None-Match against an ETag: `*`, or any listed tag, compared weakly (RFC 9110 13.1.2). */
export function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const strip = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || strip(tag) === strip(etag));
}

/** A libvips failure while rendering: its time limit is a 503 to retry, anything else a 422 with libvips' reason. */
function renderError(error: Error): AppError {
  const reason = error.message.split("\n")[0]!.trim();
  if (/timeout|timed out/i.test(reason)) {
    return Errors.SERVICE_UNAVAILABLE({ detail: "The image transform took too long", headers: { "Retry-After": "5" }, cause: error });
  }
  return Errors.UNPROCESSABLE({ detail: `The image could not be transformed: ${reason}`, cause: error });
}
