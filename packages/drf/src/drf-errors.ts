import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { AppError, createErrorHandler, Errors, serviceContext, type ErrorRenderer } from "@assets/core";

/** DRF's field-keyed validation errors: `{ "name": ["This field is required."] }`. */
export type FieldErrors = Record<string, string[]>;

/** A 400 about request-body fields, rendered field-keyed as DRF's serializers do. */
export function invalidFields(fields: FieldErrors): AppError {
  const [first] = Object.entries(fields);
  return Errors.INVALID_BODY({
    detail: first ? `${first[0]}: ${first[1].join(" ")}` : "Invalid data.",
    ...(first && { source: { pointer: `/${first[0]}` } }),
    meta: { fields },
  });
}

function isFieldErrors(value: unknown): value is FieldErrors {
  return typeof value === "object" && value !== null && Object.values(value).every((v) => Array.isArray(v));
}

/**
 * Renders an error the way Django REST framework does: field-keyed lists for
 * validation errors (a bad query parameter is keyed by its name), else
 * `{ "detail": … }`.
 */
export const renderDrfError: ErrorRenderer = (error) => {
  const fields = error.meta?.fields;
  if (isFieldErrors(fields)) return fields;
  if (error.status === 400 && error.source?.parameter) return { [error.source.parameter]: [error.detail] };
  if (error.status >= 500) return { detail: "A server error occurred." };
  return { detail: error.detail };
};

const CHALLENGE = { "WWW-Authenticate": 'Basic realm="api"' };

/**
 * DRF answers an anonymous caller that lacks a permission with 401 and a
 * challenge ("Authentication credentials were not provided."), not 403.
 */
const anonymousAs401: ErrorRequestHandler = (error, req, _res, next) => {
  if (!(error instanceof AppError)) return next(error);
  const anonymous = serviceContext(req).principal.kind === "anonymous";
  if (error.status === 403 && anonymous) {
    return next(Errors.UNAUTHENTICATED({ detail: "Authentication credentials were not provided.", headers: CHALLENGE }));
  }
  if (error.status === 401 && !error.headers?.["WWW-Authenticate"]) {
    return next(new AppError(error.code, 401, error.title, { detail: error.detail, source: error.source, meta: error.meta, headers: { ...error.headers, ...CHALLENGE } }));
  }
  next(error);
};

/** The Lizard router's error handling: every error leaves it in DRF's shape. */
export function drfErrorHandlers(log: Logger): ErrorRequestHandler[] {
  return [anonymousAs401, createErrorHandler(log, renderDrfError)];
}

/** DRF's 404 for a path no route serves. */
export const drfNotFound: RequestHandler = () => {
  throw Errors.NOT_FOUND({ detail: "Not found." });
};

/** Answers methods a path does not serve with DRF's 405 and an `Allow` header; OPTIONS lists them. */
export function allowOnly(methods: readonly string[]): RequestHandler {
  const allow = [...methods, "HEAD", "OPTIONS"].join(", ");
  return (req, res) => {
    res.setHeader("Allow", allow);
    if (req.method === "OPTIONS") {
      res.status(200).json({});
      return;
    }
    throw Errors.METHOD_NOT_ALLOWED({ detail: `Method "${req.method}" not allowed.` });
  };
}

