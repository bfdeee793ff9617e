import type { Request, RequestHandler } from "express";
import { AppError, Errors, findServiceContext, type ErrorProfile, type InvalidInput } from "@assets/core";

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

/**
 * What a route's schema refused, as DRF's serializers and filter sets answer it: every message
 * keyed by its top-level field (`non_field_errors` for the whole), "This field is required." for
 * an absent one, and DRF's "Invalid data." for a body that is not an object.
 */
export function drfInvalid({ where, issues, value }: InvalidInput): AppError {
  const data = value ?? {};
  if (where === "body" && (typeof data !== "object" || Array.isArray(data))) {
    return invalidFields({ non_field_errors: [`Invalid data. Expected a dictionary, but got ${Array.isArray(data) ? "list" : typeof data}.`] });
  }
  const fields: FieldErrors = {};
  for (const { path, message } of issues) {
    const key = path[0] ?? "non_field_errors";
    const missing = path.length > 0 && !Object.prototype.hasOwnProperty.call(data, key);
    (fields[key] ??= []).push(missing && where === "body" ? "This field is required." : message);
  }
  if (where === "body") return invalidFields(fields);
  const [first] = Object.entries(fields);
  return Errors.INVALID_PARAMETER({ detail: first ? `${first[0]}: ${first[1].join(" ")}` : "Invalid query.", source: { parameter: first?.[0] ?? "" }, meta: { fields } });
}

function isFieldErrors(value: unknown): value is FieldErrors {
  return typeof value === "object" && value !== null && Object.values(value).every((v) => Array.isArray(v));
}

/**
 * The body Django REST framework gives an error: field-keyed lists for validation errors (a bad
 * query parameter is keyed by its name), else `{ "detail": … }`.
 */
export function drfErrorBody(error: AppError): unknown {
  const fields = error.meta?.fields;
  if (isFieldErrors(fields)) return fields;
  if (error.status === 400 && error.source?.parameter) return { [error.source.parameter]: [error.detail] };
  if (error.status >= 500) return { detail: "A server error occurred." };
  return { detail: error.detail };
}

const CHALLENGE = { "WWW-Authenticate": 'Basic realm="api"' };

/**
 * DRF answers an anonymous caller that lacks a permission with 401 and a challenge
 * ("Authentication credentials were not provided."), not 403, and every 401 carries the challenge.
 */
export function refineDrfError(error: AppError, req: Request): AppError {
  if (error.status === 403 && findServiceContext(req)?.principal.kind === "anonymous") {
    return Errors.UNAUTHENTICATED({ detail: "Authentication credentials were not provided.", headers: CHALLENGE });
  }
  if (error.status === 401 && !error.headers?.["WWW-Authenticate"]) {
    return new AppError(error.code, 401, error.title, { detail: error.detail, source: error.source, meta: error.meta, headers: { ...error.headers, ...CHALLENGE }, cause: error });
  }
  return error;
}

/** Django REST framework's errors (`{detail}`, field-keyed lists, 401 with a challenge), as JSON. */
export const DRF_ERRORS: ErrorProfile = {
  refine: refineDrfError,
  invalid: drfInvalid,
  render: (error) => ({ status: error.status, body: drfErrorBody(error) }),
};

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

