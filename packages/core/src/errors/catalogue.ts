import { defineError } from "./app-error.js";

/** Every error the core raises on purpose, by code. */
export const Errors = {
  INVALID_PARAMETER: defineError("INVALID_PARAMETER", 400, "Invalid query parameter"),
  INVALID_BODY: defineError("INVALID_BODY", 400, "Invalid request body"),
  UNAUTHENTICATED: defineError("UNAUTHENTICATED", 401, "Invalid or revoked credentials"),
  FORBIDDEN: defineError("FORBIDDEN", 403, "You may not do this"),
  INVALID_SIGNATURE: defineError("INVALID_SIGNATURE", 403, "Invalid URL signature"),
  NOT_FOUND: defineError("NOT_FOUND", 404, "Not found"),
  METHOD_NOT_ALLOWED: defineError("METHOD_NOT_ALLOWED", 405, "Method not allowed"),
  CONFLICT: defineError("CONFLICT", 409, "Conflict"),
  /** A delete of a resource other things depend on (its type's `references`), without `force`. */
  RESOURCE_IN_USE: defineError("RESOURCE_IN_USE", 409, "The resource is in use"),
  PAYLOAD_TOO_LARGE: defineError("PAYLOAD_TOO_LARGE", 413, "Upload too large"),
  UNSUPPORTED_MEDIA_TYPE: defineError("UNSUPPORTED_MEDIA_TYPE", 415, "Unsupported media type"),
  UNPROCESSABLE: defineError("UNPROCESSABLE", 422, "Unprocessable entity"),
  TOO_MANY_REQUESTS: defineError("TOO_MANY_REQUESTS", 429, "Too many requests"),
  EMPTY_FILE: defineError("EMPTY_FILE", 400, "Empty file"),
  CHECKSUM_MISMATCH: defineError("CHECKSUM_MISMATCH", 400, "Checksum mismatch"),
  MALFORMED_UPLOAD: defineError("MALFORMED_UPLOAD", 400, "Malformed upload"),
  UPLOAD_INTERRUPTED: defineError("UPLOAD_INTERRUPTED", 400, "Upload interrupted"),
  LINK_EXPIRED: defineError("LINK_EXPIRED", 410, "Upload link expired"),
  /** A resumable (tus) upload that was cancelled, expired or rejected: it takes no more bytes. */
  UPLOAD_GONE: defineError("UPLOAD_GONE", 410, "Upload gone"),
  /** tus checksum extension: the chunk's `Upload-Checksum` did not match; the chunk was not kept. */
  TUS_CHECKSUM_MISMATCH: defineError("TUS_CHECKSUM_MISMATCH", 460, "Checksum mismatch"),
  IDEMPOTENCY_KEY_IN_USE: defineError("IDEMPOTENCY_KEY_IN_USE", 409, "A request with this Idempotency-Key is still in progress"),
  IDEMPOTENCY_KEY_REUSED: defineError("IDEMPOTENCY_KEY_REUSED", 422, "Idempotency-Key reused for a different request"),
  INTERNAL: defineError("INTERNAL", 500, "Internal server error"),
  SERVICE_UNAVAILABLE: defineError("SERVICE_UNAVAILABLE", 503, "Service unavailable"),
} as const;
