import type { RequestHandler } from "express";
import { Errors, type AppError, type ErrorProfile } from "@assets/core";
import { DRF_ERRORS } from "@assets/drf";

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
export function geonodeErrorBody(error: AppError) {
  return { success: false, errors: [error.status >= 500 ? "A server error occurred." : error.detail], code: geonodeErrorCode(error) };
}

/**
 * GeoNode's errors: DRF's exceptions (so DRF's refinement: an anonymous caller's 403 is a 401
 * with a challenge) in GeoNode's wrapper shape.
 */
export const GEONODE_ERRORS: ErrorProfile = {
  ...DRF_ERRORS,
  render: (error) => ({ status: error.status, body: geonodeErrorBody(error) }),
};

/** The 404 of a path no `/api/v2` route serves. */
export const geonodeNotFound: RequestHandler = () => {
  throw Errors.NOT_FOUND({ detail: "Not found." });
};
