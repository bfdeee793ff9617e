import type { Request } from "express";
import type { z } from "zod";
import { Errors } from "../errors/index.js";
import type { Page } from "../query/types.js";
import { requestUrl, searchParams } from "./request-context.js";

/** A JSON:API resource object. */
export interface JsonApiResource {
  type: string;
  id: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, { data: { type: string; id: string } | null }>;
  links?: { self: string; thumbnail?: string };
}

/** Links of one list page: self, and next/prev where they exist. */
export function pageLinks(req: Request, page: Page, total: number) {
  const url = (offset: number) => {
    const params = searchParams(req);
    params.set("page[offset]", String(offset));
    params.set("page[limit]", String(page.limit));
    return `${requestUrl(req)}?${params.toString().replace(/%5B/g, "[").replace(/%5D/g, "]")}`;
  };
  return {
    self: url(page.offset),
    next: page.offset + page.limit < total ? url(page.offset + page.limit) : null,
    prev: page.offset > 0 ? url(Math.max(0, page.offset - page.limit)) : null,
  };
}

/** A list response: `{ data, meta: { total_count }, links }`. */
export function listDocument(req: Request, data: JsonApiResource[], page: Page, total: number) {
  return { data, meta: { total_count: total }, links: pageLinks(req, page, total) };
}

/**
 * Validates a JSON:API write body `{ data: { type, attributes } }` against a
 * zod schema; errors point at the offending attribute.
 */
export function parseJsonApiBody<T extends z.ZodType>(body: unknown, schema: T, expectedType?: string): z.infer<T> {
  const data = (body as { data?: { type?: unknown; attributes?: unknown } } | null)?.data;
  if (!data || typeof data !== "object") throw Errors.INVALID_BODY({ detail: "Expected a JSON:API document with a 'data' object", source: { pointer: "/data" } });
  if (expectedType && data.type !== expectedType) {
    throw Errors.INVALID_BODY({ detail: `data.type must be '${expectedType}'`, source: { pointer: "/data/type" } });
  }
  const parsed = schema.safeParse(data.attributes ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw Errors.INVALID_BODY({ detail: `${issue.path.join(".") || "attributes"}: ${issue.message}`, source: { pointer: `/data/attributes/${issue.path.join("/")}` } });
  }
  return parsed.data;
}
