import { type AppError, Errors } from "@assets/core";

/**
 * A 400 about one request field (query parameter or form field); the Lizard profile renders
 * it as DRF does: `{"<field>": ["<detail>"]}`.
 */
export function fieldError(field: string, detail: string): AppError {
  return Errors.INVALID_PARAMETER({ detail, source: { parameter: field } });
}
