import { createHash, randomUUID } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import { Errors } from "../../errors/index.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { isUniqueViolation } from "../../db/errors.js";
import { serviceContext } from "../../http/request-context.js";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Default of {@link IdempotencyOptions.leaseMs}. */
export const DEFAULT_IDEMPOTENCY_LEASE_MS = 30_000;

/** Options of {@link idempotency}. */
export interface IdempotencyOptions {
  /**
   * How long a key stays reserved for the request using it without word from
   * that request; the request renews it every third of this while it runs.
   * A retry after its request died (a crash) waits at most this long. Default 30 s.
   */
  leaseMs?: number;
}

/** Headers that describe a body the middleware does not read (a file upload). */
const BODY_HEADERS = ["content-length", "content-md5", "digest", "repr-digest", "content-digest"];

/**
 * `Idempotency-Key` support for creation routes, after the IETF httpapi
 * Idempotency-Key draft and Stripe. The first request with a key reserves it
 * (with a lease, renewed while it runs) and records its answer (status and
 * JSON body) once it succeeds; a retry with the same key, caller and request
 * gets that answer again (`Idempotent-Replayed: true`) instead of creating a
 * second upload. A retry while the first still runs gets 409
 * `IDEMPOTENCY_KEY_IN_USE`; once that request is gone without a word (its
 * process was killed) and its lease ran out, the retry takes the key over. A
 * different request under a used key is a 422 `IDEMPOTENCY_KEY_REUSED`
 * (compared by a fingerprint of method, path, query and body; for a file
 * upload, of the headers that describe the bytes). A failed first attempt is
 * forgotten so the client can retry it.
 */
export function idempotency(options: IdempotencyOptions = {}): RequestHandler {
  const leaseMs = options.leaseMs ?? DEFAULT_IDEMPOTENCY_LEASE_MS;
  return async (req, res, next) => {
    const key = req.get("idempotency-key");
    if (!key) return next();
    if (!KEY_PATTERN.test(key)) throw Errors.INVALID_PARAMETER({ detail: "Idempotency-Key must be 1-255 printable ASCII characters", source: { header: "Idempotency-Key" } });
    const ctx = serviceContext(req);
    const records = ctx.db.idempotencyRecord;
    const owner = ctx.principal.kind === "user" ? `user:${ctx.principal.id}` : "anonymous";
    const scope = `${req.method} ${req.baseUrl}${req.path}`;
    const fingerprint = requestFingerprint(req);
    const token = randomUUID();
    const leaseEnd = () => new Date(Date.now() + leaseMs);
    try {
      await records.create({ data: { owner, key, scope, status: 0, body: {}, fingerprint, lease_token: token, lease_expires_at: leaseEnd() } });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const first = await records.findUnique({ where: { owner_key_scope: { owner, key, scope } } });
      if (!first) throw Errors.IDEMPOTENCY_KEY_IN_USE({ detail: "The request that used this key just ended; retry", headers: { "Retry-After": "1" } });
      // Records from before fingerprints have none: they match any request.
      if (first.fingerprint && first.fingerprint !== fingerprint) {
        throw Errors.IDEMPOTENCY_KEY_REUSED({ detail: `This Idempotency-Key was used for a different request to ${scope}; use a new key for a new request`, source: { header: "Idempotency-Key" } });
      }
      if (first.status !== 0) return replay(res, first.status, first.body);
      // In progress: taken over only once its lease ran out (the request holding it is gone).
      const now = new Date();
      const { count } = await records.updateMany({
        where: { id: first.id, status: 0, OR: [{ lease_expires_at: null }, { lease_expires_at: { lt: now } }] },
        data: { lease_token: token, lease_expires_at: leaseEnd(), fingerprint },
      });
      if (count === 0) {
        const wait = Math.max(1, Math.ceil(((first.lease_expires_at?.getTime() ?? now.getTime()) - now.getTime()) / 1000));
        throw Errors.IDEMPOTENCY_KEY_IN_USE({ detail: "A request with this Idempotency-Key is still in progress; retry once it has ended", headers: { "Retry-After": String(wait) } });
      }
    }
    const mine = { owner, key, scope, status: 0, lease_token: token };
    const renewal = setInterval(() => {
      records.updateMany({ where: mine, data: { lease_expires_at: leaseEnd() } }).catch(() => undefined);
    }, Math.max(1, Math.floor(leaseMs / 3)));
    renewal.unref();
    captureJson(res, async (status, body) => {
      clearInterval(renewal);
      if (status >= 200 && status < 300 && body !== undefined) await records.updateMany({ where: mine, data: { status, body: body as Prisma.InputJsonValue, lease_token: null, lease_expires_at: null } });
      else await records.deleteMany({ where: mine });
    });
    next();
  };
}

/** Sends the first request's answer again. */
function replay(res: Response, status: number, body: unknown): void {
  // The body of this retry is not needed; close rather than read a file we already have.
  res.setHeader("Connection", "close");
  res.setHeader("Idempotent-Replayed", "true");
  res.status(status).type(body && typeof body === "object" && "data" in body ? "application/vnd.api+json" : "application/json").send(JSON.stringify(body));
}

/**
 * sha256 of what makes two requests the same: method, path, query and media
 * type (without a multipart boundary, which clients draw anew per request),
 * and the parsed body; a body not read yet (a file upload) counts by the
 * headers that describe it (length, digests).
 */
export function requestFingerprint(req: Request): string {
  const mediaType = (req.get("content-type") ?? "").split(";").filter((p) => !/^\s*boundary=/i.test(p)).map((p) => p.trim().toLowerCase()).join(";");
  const query = new URLSearchParams(req.originalUrl.split("?")[1] ?? "");
  query.sort();
  const parsed = req.body !== undefined && req.readableEnded && !req.is("multipart/form-data");
  const body = parsed ? { body: req.body as unknown } : { headers: BODY_HEADERS.map((h) => [h, req.get(h) ?? null]) };
  return createHash("sha256").update(canonicalJson({ method: req.method, path: `${req.baseUrl}${req.path}`, query: query.toString(), mediaType, ...body })).digest("hex");
}

/** JSON with object keys sorted, so equal values give equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * Calls `done` with the status and parsed JSON body before the answer leaves,
 * so a retry sent the moment the client has it replays it rather than finding
 * the key still in progress; `done` also runs, with status 500, for a request
 * abandoned before any answer.
 */
function captureJson(res: Response, done: (status: number, body: unknown) => Promise<void>): void {
  const send = res.send.bind(res);
  let recorded = false;
  res.send = (chunk?: unknown) => {
    // An object comes back here as the JSON string `res.json` makes of it.
    if (recorded || (chunk !== null && typeof chunk === "object" && !Buffer.isBuffer(chunk))) return send(chunk);
    recorded = true;
    let body: unknown;
    if (typeof chunk === "string") {
      try {
        body = JSON.parse(chunk);
      } catch {
        body = undefined;
      }
    }
    void done(res.statusCode, body)
      .catch(() => undefined)
      .finally(() => send(chunk));
    return res;
  };
  res.once("close", () => {
    if (recorded) return;
    recorded = true;
    void done(res.headersSent ? res.statusCode : 500, undefined).catch(() => undefined);
  });
}
