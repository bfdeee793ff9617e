import type { ErrorRequestHandler, Request, Response } from "express";
import type { Logger } from "pino";
import { AppError, Errors } from "../errors/index.js";

/** Turns an AppError into a profile's response body (JSON:API by default). */
export type ErrorRenderer = (error: AppError, req: Request) => unknown;

/** JSON:API `{ errors: [...] }`. */
export const renderJsonApiError: ErrorRenderer = (error) => ({
  errors: [
    {
      status: String(error.status),
      code: error.code,
      title: error.title,
      detail: error.detail,
      ...(error.source && { source: error.source }),
      ...(error.meta && { meta: error.meta }),
    },
  ],
});

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/** Maps errors from Express' own body parsers (bad JSON, too large) onto the catalogue. */
export function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  const http = error as HttpLikeError | null;
  const status = http?.status ?? http?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500 && http?.expose !== false) {
    if (http?.type === "entity.parse.failed") return Errors.INVALID_BODY({ detail: "The request body is not valid JSON" });
    if (http?.type === "entity.too.large") return Errors.PAYLOAD_TOO_LARGE({ detail: "The request body is too large" });
    if (status === 415) return Errors.UNSUPPORTED_MEDIA_TYPE({ detail: http?.message });
    return new AppError("BAD_REQUEST", status, http?.message ?? "Bad request");
  }
  return null;
}

/**
 * The one place errors become HTTP responses. Known errors render with their
 * status; anything else is logged and answered with a generic 500.
 */
export function createErrorHandler(logger: Logger, render: ErrorRenderer = renderJsonApiError): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    let known = toAppError(error);
    if (!known) {
      logger.error({ err: error, method: req.method, url: req.originalUrl }, "unhandled error");
      known = Errors.INTERNAL({ detail: "An unexpected error occurred" });
    }
    for (const [name, value] of Object.entries(known.headers ?? {})) res.setHeader(name, value);
    const body = JSON.stringify(render(known, req));
    const send = () => res.status(known.status).type(wantsJsonApi(req) ? "application/vnd.api+json" : "application/json").send(body);
    void drainSmallBody(req, res).then(send, send);
  };
}

/** Unread request bodies up to this size are read and dropped before an error answer. */
const DRAIN_LIMIT = 1024 * 1024;

/**
 * A client still sending a body it was refused (e.g. an upload to a resource
 * it may not change) would hit a closed socket (EPIPE) instead of reading the
 * error: small bodies are read to the end first; larger ones get
 * `Connection: close` so the rest is not read at all.
 */
async function drainSmallBody(req: Request, res: Response): Promise<void> {
  if (req.complete || req.readableEnded || req.destroyed) return;
  const length = Number(req.get("content-length"));
  if (!Number.isFinite(length) || length > DRAIN_LIMIT) {
    res.setHeader("Connection", "close");
    return;
  }
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, 5000);
    function done() {
      clearTimeout(timer);
      resolve();
    }
    req.once("end", done).once("close", done).once("error", done);
    req.resume();
  });
}

/** True when the client asked for JSON:API's media type. */
export function wantsJsonApi(req: Request): boolean {
  return (req.get("accept") ?? "").includes("application/vnd.api+json");
}
