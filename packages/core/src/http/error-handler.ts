import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from "express";
import type { Logger } from "pino";
import { AppError, Errors } from "../errors/index.js";
import { requestLogger } from "./logging.js";

/** What a profile answers for one error: the status, the body (JSON unless a string) and its media type. */
export interface RenderedError {
  status: number;
  body: unknown;
  /** Default `application/json`. */
  contentType?: string;
}

/**
 * How one wire protocol answers errors (the core's JSON:API, DRF's `{detail}`, DatoCMS's
 * `api_error`, tus' text). Routers declare one; the one error handler applies it. Routes only
 * throw `AppError`s.
 */
export interface ErrorProfile {
  /**
   * The error as this protocol has it, before rendering: e.g. DRF's anonymous 403 becoming a 401
   * with a challenge, or DatoCMS's codes and statuses for the core's.
   */
  refine?(error: AppError, req: Request): AppError;
  /** Status and body of the answer. */
  render(error: AppError, req: Request): RenderedError;
  /**
   * The error for a request that a declared route's zod schemas refuse (query or body), when the
   * protocol names fields its own way (DRF's `{field: [message]}`); default: the core's
   * INVALID_PARAMETER / INVALID_BODY about the first issue.
   */
  invalid?(input: InvalidInput, req: Request): AppError;
  /** Headers the protocol adds to every error answer (the error's own, e.g. Retry-After, are always sent). */
  headers?(error: AppError, req: Request): Readonly<Record<string, string>>;
}

/** One problem a route's schema found: where (keys into the query or body) and the schema's message. */
export interface InputIssue {
  path: readonly string[];
  message: string;
}

/** What a declared route's schema refused: the query or the body, and every issue found. */
export interface InvalidInput {
  where: "query" | "body";
  issues: readonly InputIssue[];
  /** The query or body as received. */
  value: unknown;
}

const JSON_API = "application/vnd.api+json";

/** True when the client asked for JSON:API's media type. */
export function wantsJsonApi(req: Request): boolean {
  return (req.get("accept") ?? "").includes(JSON_API);
}

/** The core's JSON:API error document, `{ errors: [{ status, code, title, detail, source?, meta? }] }`. */
export function jsonApiErrorDocument(error: AppError) {
  return {
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
  };
}

/** The core's own profile: JSON:API errors, in JSON:API's media type when the client asked for it (as successes). */
export const JSONAPI_ERROR_PROFILE: ErrorProfile = {
  render: (error, req) => ({ status: error.status, body: jsonApiErrorDocument(error), contentType: wantsJsonApi(req) ? JSON_API : "application/json" }),
};

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
  message?: string;
}

/** The catalogue's error for anything thrown: AppErrors as they are, Express' body-parser errors mapped, null for the unexpected. */
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

/** One error's answer under a profile. */
export interface ErrorAnswer {
  /** The error as answered (refined by the profile); a generic INTERNAL for an unexpected one. */
  error: AppError;
  /** Nothing in the catalogue: a bug or a failure below, to be logged. */
  unexpected: boolean;
  status: number;
  headers: Record<string, string>;
  contentType: string;
  body: string;
}

/**
 * The one mapping of anything thrown to an HTTP answer: the error hierarchy to a status (once),
 * then the profile's refinement, headers and body. Unexpected errors become a generic 500.
 */
export function errorAnswer(thrown: unknown, req: Request, profile: ErrorProfile = JSONAPI_ERROR_PROFILE): ErrorAnswer {
  const known = toAppError(thrown);
  const base = known ?? Errors.INTERNAL({ detail: "An unexpected error occurred" });
  const error = profile.refine ? profile.refine(base, req) : base;
  const rendered = profile.render(error, req);
  return {
    error,
    unexpected: known === null,
    status: rendered.status,
    headers: { ...error.headers, ...profile.headers?.(error, req) },
    contentType: rendered.contentType ?? "application/json",
    body: typeof rendered.body === "string" ? rendered.body : JSON.stringify(rendered.body),
  };
}

/** Per request, the profiles of the scopes it is in, innermost last. */
const scopes = new WeakMap<Request, ErrorProfile[]>();

/** The profile errors of this request are answered in (JSON:API outside every declared scope). */
export function errorProfileOf(req: Request): ErrorProfile {
  return scopes.get(req)?.at(-1) ?? JSONAPI_ERROR_PROFILE;
}

/**
 * A router running `handlers` with errors answered in `profile`: a router declares its wire
 * protocol's errors this way instead of mounting an error handler. A request that none of them
 * answers leaves the scope with the profile it came with. (A router, so route listings such as
 * the OpenAPI document see the routes inside.)
 */
export function withErrorProfile(profile: ErrorProfile, ...handlers: RequestHandler[]): Router {
  const scope = Router();
  scope.use((req, _res, next) => {
    const stack = scopes.get(req) ?? [];
    stack.push(profile);
    scopes.set(req, stack);
    next();
  });
  scope.use(...handlers);
  // Reached only when no handler answered or failed: an error skips it and keeps the profile.
  scope.use((req, _res, next) => {
    scopes.get(req)?.pop();
    next();
  });
  return scope;
}

/**
 * The one place errors become HTTP responses, in the profile of the scope they were raised in
 * ({@link withErrorProfile}). Unexpected errors are logged with the request's id and answered
 * with a generic 500.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (thrown, req, res, next) => {
    if (res.headersSent) return next(thrown);
    const answer = errorAnswer(thrown, req, errorProfileOf(req));
    if (answer.unexpected) requestLogger(req, log).error({ err: thrown, method: req.method, url: req.originalUrl }, "unhandled error");
    res.set(answer.headers);
    const send = () => res.status(answer.status).type(answer.contentType).send(answer.body);
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
