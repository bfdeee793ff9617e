/** Where in the request an error points (JSON:API `source`). */
export interface ErrorSource {
  parameter?: string;
  pointer?: string;
  header?: string;
}

/** Options when raising a catalogued error. */
export interface AppErrorOptions {
  detail?: string;
  source?: ErrorSource;
  meta?: Record<string, unknown>;
  cause?: unknown;
  /** Extra response headers, e.g. Retry-After. */
  headers?: Record<string, string>;
}

/**
 * The one error type the application throws on purpose. Every instance
 * carries an HTTP status and a stable code; one middleware renders it.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly source?: ErrorSource;
  readonly meta?: Record<string, unknown>;
  readonly headers?: Record<string, string>;

  constructor(code: string, status: number, title: string, options: AppErrorOptions = {}) {
    super(options.detail ?? title, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = status;
    this.title = title;
    this.detail = options.detail ?? title;
    this.source = options.source;
    this.meta = options.meta;
    this.headers = options.headers;
  }
}

/** A constructor for one catalogued error, with `is()` to recognise it. */
export interface ErrorFactory {
  (options?: AppErrorOptions | string): AppError;
  readonly code: string;
  readonly status: number;
  is(error: unknown): error is AppError;
}

/** Declares a catalogued error: `const NOT_FOUND = defineError("NOT_FOUND", 404, "Not found")`. */
export function defineError(code: string, status: number, title: string): ErrorFactory {
  const make = (options?: AppErrorOptions | string) =>
    new AppError(code, status, title, typeof options === "string" ? { detail: options } : options);
  return Object.assign(make, {
    code,
    status,
    is: (error: unknown): error is AppError => error instanceof AppError && error.code === code,
  });
}
