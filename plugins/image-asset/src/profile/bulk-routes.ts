import { Router, type Request, type Response } from "express";
import { z } from "zod";
import { Errors, serviceContext } from "@assets/core";
import type { BulkUploadService } from "./bulk-service.js";
import { DatocmsErrors } from "./datocms-errors.js";
import { sendDatocms } from "./send-datocms.js";

/** At most this many uploads per bulk call (DatoCMS documents no limit; one transaction holds them). */
const MAX_UPLOADS = 10_000;
const UPLOADS = z.object({ data: z.array(z.object({ type: z.literal("upload"), id: z.string().min(1).max(100) })).min(1).max(MAX_UPLOADS) });
const COLLECTION = z.object({ data: z.object({ type: z.literal("upload_collection"), id: z.string().regex(/^\d{1,9}$/) }).nullable() });

const BODIES = {
  upload_bulk_tag_operation: z.object({ attributes: z.object({ tags: z.array(z.string().min(1).max(200)).max(100) }), relationships: z.object({ uploads: UPLOADS }) }),
  upload_bulk_set_upload_collection_operation: z.object({ relationships: z.object({ upload_collection: COLLECTION, uploads: UPLOADS }) }),
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

/**
 * `POST /uploads/bulk/tag`, `/uploads/bulk/set-upload-collection` and `/uploads/bulk/destroy`:
 * each answers 202 with its job (`{ data: { type: "job", id } }`), whose `/job-results/:id`
 * reports `{ data: [], meta: { successful, failed } }`.
 */
export function bulkRoutes(bulk: BulkUploadService): Router {
  const router = Router();
  router.post("/tag", async (req, res) => {
    const { attributes, relationships } = parseBulk(req, "upload_bulk_tag_operation");
    answer(res, await bulk.tag(serviceContext(req), ids(relationships.uploads), attributes.tags));
  });
  router.post("/set-upload-collection", async (req, res) => {
    const { relationships } = parseBulk(req, "upload_bulk_set_upload_collection_operation");
    const collection = relationships.upload_collection.data;
    answer(res, await bulk.setCollection(serviceContext(req), ids(relationships.uploads), collection === null ? null : Number(collection.id)));
  });
  router.post("/destroy", async (req, res) => {
    const { relationships } = parseBulk(req, "upload_bulk_destroy_operation");
    answer(res, await bulk.destroy(serviceContext(req), ids(relationships.uploads)));
  });
  return router;
}
