import { createHash } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import { Errors, serviceContext } from "@assets/core";
import type { RateCounter } from "./rate-counter.js";

/** How many requests one API key may make per window (DatoCMS's CMA: 60 per 3 seconds). */
export interface RateLimitOptions {
  /** Requests per window (default 60). */
  limit?: number;
  /** The window in milliseconds (default 3000). */
  windowMs?: number;
}

export const DEFAULT_RATE_LIMIT = { limit: 60, windowMs: 3000 } as const;

/**
 * Who a request is counted for: its API key (a digest of the credential it presents), else its
 * user (a host's own session), else its address. A request whose credentials were refused is
 * counted for its address: a caller trying keys gets one count, not a fresh one per key.
 */
function rateKey(req: Request, refused: boolean): string {
  if (refused) return `ip:${req.ip ?? "unknown"}`;
  const credential = req.get("authorization") ?? req.get("x-api-key");
  if (credential) return `key:${createHash("sha256").update(credential).digest("hex").slice(0, 32)}`;
  const { principal } = serviceContext(req);
  return principal.kind === "user" ? `user:${principal.id}` : `ip:${req.ip ?? "unknown"}`;
}

/**
 * DatoCMS's rate limit: every answer carries `X-RateLimit-Limit`, `X-RateLimit-Remaining` and
 * `X-RateLimit-Reset` (seconds until the window ends, which the official client sleeps on a
 * 429); beyond the limit the request is a 429 (RATE_LIMIT_EXCEEDED in DatoCMS's error shape).
 */
export class RateLimit {
  readonly #limit: number;
  readonly #windowMs: number;

  constructor(
    private readonly counter: RateCounter,
    options: RateLimitOptions = {},
  ) {
    this.#limit = options.limit ?? DEFAULT_RATE_LIMIT.limit;
    this.#windowMs = options.windowMs ?? DEFAULT_RATE_LIMIT.windowMs;
  }

  /** The middleware counting every request that reached the profile's routes. */
  readonly middleware: RequestHandler = async (req, res, next) => {
    await this.charge(req, res, false);
    next();
  };

  /**
   * Counts one request, sets its rate headers, and throws the 429 beyond the limit. `refused`:
   * the core refused its credentials before the profile saw it (the plugin's `refused` hook).
   */
  async charge(req: Request, res: Response, refused: boolean): Promise<void> {
    const limit = this.#limit;
    const { count, resetMs } = await this.counter.hit(rateKey(req, refused), this.#windowMs);
    const reset = String(Math.max(1, Math.ceil(resetMs / 1000)));
    res.set({ "X-RateLimit-Limit": String(limit), "X-RateLimit-Remaining": String(Math.max(0, limit - count)), "X-RateLimit-Reset": reset });
    if (count > limit) throw Errors.TOO_MANY_REQUESTS({ detail: `More than ${limit} requests in ${this.#windowMs / 1000} s; retry in ${reset} s`, headers: { "Retry-After": reset } });
  }
}
