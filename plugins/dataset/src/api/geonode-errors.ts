import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { createErrorHandler, Errors, type AppError, type ErrorRenderer } from "@assets/core";

/** DRF's `default_code` of the exception GeoNode raises for each status. */
const DRF_CODES: Readonly<Record<number, string>> = {
  400: "invalid",
  401: "not_authenticated",
  403: "permission_denied",
  404: "not_found",
  405: "method_not_allowed",
  406: "not_acceptable",
  413: "total_upload_size_exceeded",
  415: "unsupported_media_type",
  429: "throttled",
};

/** The DRF code GeoNode's handler writes for `error`. */
export function geonodeErrorCode(error: AppError): string {
  return DRF_CODES[error.status] ?? (error.status >= 500 ? "error" : "invalid");
}

/**
 * GeoNode's REST error shape (`geonode.base.api.exceptions.geonode_exception_handler`):
 * `{ success: false, errors: [detail], code }`, `code` being the DRF exception's `default_code`.
 */
export const renderGeonodeError: ErrorRenderer = (error) => ({
  success: false,
  errors: [error.status >= 500 ? "A server error occurred." : error.detail],
  code: geonodeErrorCode(error),
});

/** GeoNode's error handling for the `/api/v2` router: every error leaves it in GeoNode's shape. */
export function geonodeErrorHandler(log: Logger): ErrorRequestHandler {
  return createErrorHandler(log, renderGeonodeError);
}

/** The 404 of a path no `/api/v2` route serves. */
export const geonodeNotFound: RequestHandler = () => {
  throw Errors.NOT_FOUND({ detail: "Not found." });
};
