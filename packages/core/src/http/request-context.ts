import type { Request } from "express";
import { Errors } from "../errors/index.js";
import type { ServiceContext } from "../services/service-context.js";

const contexts = new WeakMap<Request, ServiceContext>();

/** Attaches the service context built by the router's middleware. */
export function setServiceContext(req: Request, ctx: ServiceContext): void {
  contexts.set(req, ctx);
}

/** The caller's service context, or undefined before authentication set it (e.g. when rendering its errors). */
export function findServiceContext(req: Request): ServiceContext | undefined {
  return contexts.get(req);
}

/** The caller's service context (principal, ability, db, request logger). */
export function serviceContext(req: Request): ServiceContext {
  const ctx = contexts.get(req);
  if (!ctx) throw Errors.INTERNAL({ detail: "Request reached a handler without authentication middleware" });
  return ctx;
}

/** Parsed query string of the original URL: bracketed keys kept verbatim for the dialect parsers. */
export function searchParams(req: Request): URLSearchParams {
  const url = req.originalUrl;
  const q = url.indexOf("?");
  return new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
}

const apiBases = new WeakMap<Request, string>();

/** Records the asset router's mount path; called by the router before any nested router changes `req.baseUrl`. */
export function rememberApiBase(req: Request): void {
  if (!apiBases.has(req)) apiBases.set(req, req.baseUrl);
}

/** Absolute URL of the asset router's mount point, e.g. `http://host:3000/cms`. */
export function baseUrl(req: Request): string {
  return `${req.protocol}://${req.get("host")}${apiBases.get(req) ?? req.baseUrl}`;
}

/** Absolute URL of the current request without its query string. */
export function requestUrl(req: Request): string {
  return `${req.protocol}://${req.get("host")}${req.originalUrl.split("?")[0]}`;
}
