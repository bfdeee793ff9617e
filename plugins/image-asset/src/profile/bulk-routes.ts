import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { Errors, route, serviceContext } from "@assets/core";
import type { BulkUploadService } from "./bulk-service.js";
import { DatocmsErrors } from "./datocms-errors.js";
import { DATOCMS_ERROR, JOB, RATE_HEADERS } from "./datocms-schemas.js";
import { sendDatocms } from "./send-datocms.js";
import { COLLECTION_LINKAGE } from "./upload-body.js";

/** At most this many uploads per bulk call (DatoCMS documents no limit; one transaction holds them). */
const MAX_UPLOADS = 10_000;
const UPLOADS = z.object({ data: z.array(z.object({ type: z.literal("upload"), id: z.string().min(1).max(100) })).min(1).max(MAX_UPLOADS) });

const BODIES = {
  upload_bulk_tag_operation: z.object({ attributes: z.object({ tags: z.array(z.string().min(1).max(200)).max(100) }), relationships: z.object({ uploads: UPLOADS }) }),
  upload_bulk_set_upload_collection_operation: z.object({ relationships: z.object({ upload_collection: COLLECTION_LINKAGE, uploads: UPLOADS }) }),
  upload_bulk_destroy_operation: z.object({ relationships: z.object({ uploads: UPLOADS }) }),
} as const;
type Operation = keyof typeof BODIES;

/** The `data` of a bulk body of `type`, validated; errors name the field DatoCMS would. */
function parseBulk<T extends Operation>(req: Request, type: T): z.infer<(typeof BODIES)[T]> {
  const data = (req.body as { data?: { type?: unknown } } | null)?.data;
  if (!data || typeof data !== "object") throw Errors.INVALID_BODY({ detail: "Expected a JSON:API document with a 'data' object", source: { pointer: "/data" } });
  if (data.type !== type) throw Errors.INVALID_BODY({ detail: `data.type must be '${type}'`, source: { pointer: "/data/type" } });
  const parsed = BODIES[type].safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[1] ?? issue.path[0] ?? "data");
    throw DatocmsErrors.INVALID_FIELD(field, `${issue.path.join(".")}: ${issue.message}`);
  }
  return parsed.data as z.infer<(typeof BODIES)[T]>;
}

const answer = (res: Response, job: { id: string }) => sendDatocms(res, 202, { data: { type: "job", id: job.id } });
const ids = (uploads: { data: { id: string }[] }) => uploads.data.map((upload) => upload.id);

const errors = (statuses: Record<number, string>) => Object.fromEntries(Object.entries(statuses).map(([status, description]) => [status, { description, schema: DATOCMS_ERROR }]));
const ACCEPTED = { 202: { description: "The job; its /job-results/{id} answers { data: [], meta: { successful, failed } }", schema: JOB, headers: RATE_HEADERS } };

/**
 * `POST /uploads/bulk/tag`, `/uploads/bulk/set-upload-collection` and `/uploads/bulk/destroy`:
 * each answers 202 with its job (`{ data: { type: "job", id } }`), whose `/job-results/:id`
 * reports `{ data: [], meta: { successful, failed } }`.
 */
export function bulkRoutes(bulk: BulkUploadService): Router {
  const router = Router();
  const tags = ["uploads"];
  route(router, {
    method: "post",
    path: "/tag",
    summary: "Adds tags to uploads the caller may change (a job)",
    tags,
    signedIn: true,
    body: z.object({ data: z.object({ type: z.literal("upload_bulk_tag_operation") }).extend(BODIES.upload_bulk_tag_operation.shape) }),
    validateBody: false,
    responses: { ...ACCEPTED, ...errors({ 401: "No credentials", 422: "A malformed body" }) },
    handler: async (req, res) => {
      const { attributes, relationships } = parseBulk(req, "upload_bulk_tag_operation");
      answer(res, await bulk.tag(serviceContext(req), ids(relationships.uploads), attributes.tags));
    },
  });
  route(router, {
    method: "post",
    path: "/set-upload-collection",
    summary: "Puts uploads the caller may change into a collection, or into none (a job)",
    tags,
    signedIn: true,
    body: z.object({ data: z.object({ type: z.literal("upload_bulk_set_upload_collection_operation") }).extend(BODIES.upload_bulk_set_upload_collection_operation.shape) }),
    validateBody: false,
    responses: { ...ACCEPTED, ...errors({ 401: "No credentials", 422: "A malformed body or an unknown collection" }) },
    handler: async (req, res) => {
      const { relationships } = parseBulk(req, "upload_bulk_set_upload_collection_operation");
      const collection = relationships.upload_collection.data;
      answer(res, await bulk.setCollection(serviceContext(req), ids(relationships.uploads), collection === null ? null : Number(collection.id)));
    },
  });
  route(router, {
    method: "post",
    path: "/destroy",
    summary: "Deletes uploads the caller may delete (a job)",
    tags,
    signedIn: true,
    body: z.object({ data: z.object({ type: z.literal("upload_bulk_destroy_operation") }).extend(BODIES.upload_bulk_destroy_operation.shape) }),
    validateBody: false,
    responses: { ...ACCEPTED, ...errors({ 401: "No credentials", 422: "A malformed body" }) },
    handler: async (req, res) => {
      const { relationships } = parseBulk(req, "upload_bulk_destroy_operation");
      answer(res, await bulk.destroy(serviceContext(req), ids(relationships.uploads)));
    },
  });
  return router;
}
