import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "pino";

const loggers = new WeakMap<object, Logger>();

/** The request's child logger (carries `reqId`), or the root logger outside a request. */
export function requestLogger(req: object, fallback: Logger): Logger {
  return loggers.get(req) ?? fallback;
}

/**
 * Gives every request an id (from `X-Request-Id` when the client sent a sane
 * one) and a child logger, and logs one line when the response finishes.
 */
export function requestLogging(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get("x-request-id");
    const reqId = incoming && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ reqId });
    loggers.set(req, log);
    res.setHeader("X-Request-Id", reqId);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info({ method: req.method, url: req.originalUrl, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, "request");
    });
    next();
  };
}
