import { createHash } from "node:crypto";
import type { Request, RequestHandler } from "express";
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
 * user (a host's own session), else its address.
 */
function rateKey(req: Request): string {
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
export function rateLimit(counter: RateCounter, options: RateLimitOptions = {}): RequestHandler {
  const limit = options.limit ?? DEFAULT_RATE_LIMIT.limit;
  const windowMs = options.windowMs ?? DEFAULT_RATE_LIMIT.windowMs;
  return async (req, res, next) => {
    const { count, resetMs } = await counter.hit(rateKey(req), windowMs);
    const reset = String(Math.max(1, Math.ceil(resetMs / 1000)));
    res.set({ "X-RateLimit-Limit": String(limit), "X-RateLimit-Remaining": String(Math.max(0, limit - count)), "X-RateLimit-Reset": reset });
    if (count > limit) throw Errors.TOO_MANY_REQUESTS({ detail: `More than ${limit} requests in ${windowMs / 1000} s; retry in ${reset} s`, headers: { "Retry-After": reset } });
    next();
  };
}
