/**
 * DatoCMS's error shape, `{ data: [{ id, type: "api_error", attributes: { code, doc_url, details } }] }`,
 * with DatoCMS's codes and statuses. The core's AppErrors are translated here (once) and rendered
 * by the core's one error handler with {@link DATOCMS_ERRORS}.
 */
import { randomBytes } from "node:crypto";
import { AppError, type ErrorProfile } from "@assets/core";

const DOC_URL = "https://www.datocms.com/docs/content-management-api/errors";

/** DatoCMS's code and status for a core code (the core's status is kept when only the code differs). */
const BY_CORE_CODE: Readonly<Record<string, { code: string; status?: number }>> = {
  INVALID_BODY: { code: "INVALID_FIELD", status: 422 },
  UNAUTHENTICATED: { code: "INVALID_AUTHORIZATION_HEADER" },
  FORBIDDEN: { code: "INSUFFICIENT_PERMISSIONS" },
  NOT_FOUND: { code: "NOT_FOUND" },
  METHOD_NOT_ALLOWED: { code: "INVALID_ENDPOINT", status: 404 },
  UNPROCESSABLE: { code: "INVALID_FIELD" },
  UNSUPPORTED_MEDIA_TYPE: { code: "INVALID_CONTENT_TYPE_HEADER" },
  TOO_MANY_REQUESTS: { code: "RATE_LIMIT_EXCEEDED" },
  PAYLOAD_TOO_LARGE: { code: "INVALID_FIELD", status: 422 },
  EMPTY_FILE: { code: "INVALID_FIELD", status: 422 },
  INTERNAL: { code: "EXCEPTION" },
  SERVICE_UNAVAILABLE: { code: "SERVICE_UNAVAILABLE" },
};

/** Codes whose failure may pass on a retry: the official client retries them (`transient: true`). */
const TRANSIENT = new Set(["SERVICE_UNAVAILABLE"]);

/** DatoCMS's codes for a bad query parameter, by the parameter's name. */
function parameterCode(parameter: string): string {
  if (parameter.startsWith("filter[fields]")) return "INVALID_FILTER_FIELDS_PARAM";
  if (parameter === "order_by") return "INVALID_ORDERING";
  return "INVALID_PARAMS";
}

/** Errors raised by this profile itself, already in DatoCMS's terms. */
export const DatocmsErrors = {
  /** A header DatoCMS checks (`X-Api-Version`) has a value it does not serve. */
  INVALID_API_VERSION: (detail: string) => new AppError("INVALID_API_VERSION", 400, "Invalid API version", { detail, source: { header: "X-Api-Version" } }),
  /** The entity is still referenced by others (an upload in use), so it may not be deleted. */
  DELETE_RESTRICTION: (detail: string, references: number) => new AppError("DELETE_RESTRICTION", 422, "Delete restriction", { detail, meta: { references } }),
  /** A body attribute is missing or wrong. */
  INVALID_FIELD: (field: string, detail: string) =>
    new AppError("INVALID_FIELD", 422, "Invalid field", { detail, source: { pointer: `/data/attributes/${field}` }, meta: { field } }),
} as const;

/**
 * The DatoCMS version of an AppError: code and status as DatoCMS has them, the detail, source and
 * headers (e.g. Retry-After) kept.
 */
export function toDatocmsError(error: AppError): AppError {
  let code = BY_CORE_CODE[error.code]?.code ?? error.code;
  let status = BY_CORE_CODE[error.code]?.status ?? error.status;
  if (error.code === "INVALID_PARAMETER") {
    // A regular expression PostgreSQL refuses is a bad value of the field, as DatoCMS reports it.
    code = error.meta?.reason === "invalid_regexp" ? "INVALID_FIELD" : parameterCode(error.source?.parameter ?? "");
    status = 422;
  } else if (error.code === "INVALID_BODY" && /not valid JSON/.test(error.detail)) {
    code = "INVALID_JSON_BODY";
    status = 400;
  }
  if (code === error.code && status === error.status) return error;
  return new AppError(code, status, error.title, { detail: error.detail, source: error.source, meta: error.meta, headers: error.headers, cause: error });
}

/** The `details` of a DatoCMS error: the field or parameter it is about and what is wrong. */
function details(error: AppError): Record<string, unknown> {
  const field = typeof error.meta?.field === "string" ? error.meta.field : error.source?.pointer?.replace(/^\/data\/(attributes|relationships)\//, "");
  return {
    ...(field ? { field } : {}),
    ...(error.source?.parameter ? { parameter: error.source.parameter } : {}),
    ...(error.source?.header ? { header: error.source.header } : {}),
    message: error.status >= 500 ? "An unexpected error occurred" : error.detail,
    ...(error.meta && Object.fromEntries(Object.entries(error.meta).filter(([key]) => key !== "field"))),
  };
}

/** DatoCMS's error document for an error (codes translated when the core raised it). */
export function datocmsErrorBody(raw: AppError) {
  const error = toDatocmsError(raw);
  return {
    data: [
      {
        id: randomBytes(3).toString("hex"),
        type: "api_error",
        attributes: { code: error.code, doc_url: `${DOC_URL}#${error.code}`, details: details(error), ...(TRANSIENT.has(error.code) ? { transient: true } : {}) },
      },
    ],
  };
}

/**
 * The CMA's errors: DatoCMS's codes and statuses, always `application/json` (the official client
 * treats any other media type as a failure to retry).
 */
export const DATOCMS_ERRORS: ErrorProfile = {
  refine: (error) => toDatocmsError(error),
  render: (error) => ({ status: error.status, body: datocmsErrorBody(error), contentType: "application/json" }),
};

/**
 * The delivery route's errors: a CDN's, not the CMA's, so they keep the core's statuses (a bad
 * imgix parameter is a 400) in DatoCMS's shape.
 */
export const DATOCMS_DELIVERY_ERRORS: ErrorProfile = {
  render: (error) => ({ status: error.status, body: datocmsErrorBody(error), contentType: "application/json" }),
};
