import type { RequestHandler, Response } from "express";
import { Errors } from "../errors/index.js";
import type { Prisma } from "../generated/prisma/client.js";
import { isUniqueViolation } from "../db/errors.js";
import { serviceContext } from "./request-context.js";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` support for creation routes: the first request with a key
 * is recorded (status and JSON body) once it succeeds; a retry with the same
 * key, caller and route gets that answer again (`Idempotent-Replayed: true`)
 * instead of creating a second upload. While the first is in flight a retry
 * gets 409; a failed first attempt is forgotten so the client can retry it.
 */
export function idempotency(): RequestHandler {
  return async (req, res, next) => {
    const key = req.get("idempotency-key");
    if (!key) return next();
    if (!KEY_PATTERN.test(key)) throw Errors.INVALID_PARAMETER({ detail: "Idempotency-Key must be 1-255 printable ASCII characters", source: { header: "Idempotency-Key" } });
    const ctx = serviceContext(req);
    const owner = ctx.principal.kind === "user" ? `user:${ctx.principal.id}` : "anonymous";
    const scope = `${req.method} ${req.baseUrl}${req.path}`;
    const where = { owner_key_scope: { owner, key, scope } };
    try {
      await ctx.db.idempotencyRecord.create({ data: { owner, key, scope, status: 0, body: {} } });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const first = await ctx.db.idempotencyRecord.findUnique({ where });
      if (!first || first.status === 0) throw Errors.IDEMPOTENCY_KEY_IN_USE({ headers: { "Retry-After": "1" } });
      // The body of this retry is not needed; close rather than read a file we already have.
      res.setHeader("Connection", "close");
      res.setHeader("Idempotent-Replayed", "true");
      res.status(first.status).type(first.body && typeof first.body === "object" && "data" in first.body ? "application/vnd.api+json" : "application/json").send(JSON.stringify(first.body));
      return;
    }
    captureJson(res, async (status, body) => {
      if (status >= 200 && status < 300 && body !== undefined) await ctx.db.idempotencyRecord.update({ where, data: { status, body: body as Prisma.InputJsonValue } });
      else await ctx.db.idempotencyRecord.delete({ where });
    });
    next();
  };
}

/** Calls `done` with the status and parsed JSON body once the response is sent (or abandoned). */
function captureJson(res: Response, done: (status: number, body: unknown) => Promise<void>): void {
  const send = res.send.bind(res);
  let body: unknown;
  res.send = (chunk?: unknown) => {
    if (typeof chunk === "string") {
      try {
        body = JSON.parse(chunk);
      } catch {
        body = undefined;
      }
    }
    return send(chunk);
  };
  let recorded = false;
  const record = () => {
    if (recorded) return;
    recorded = true;
    void done(res.headersSent ? res.statusCode : 500, body).catch(() => undefined);
  };
  res.once("finish", record);
  res.once("close", record);
}
