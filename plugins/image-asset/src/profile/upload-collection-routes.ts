import { Router, type Request } from "express";
import { z } from "zod";
import { parseJsonApiBody, searchParams, serviceContext } from "@assets/core";
import { DatocmsErrors } from "./datocms-errors.js";
import { sendDatocms } from "./send-datocms.js";
import { serializeCollection } from "./upload-collection-serializer.js";
import type { CollectionChanges, UploadCollectionService } from "./upload-collection-service.js";

const ID = z.string().regex(/^\d{1,9}$/);
const LINKAGE = z.object({ type: z.literal("upload_collection"), id: ID });
const ATTRIBUTES = z.object({ label: z.string().min(1).max(1000).optional(), position: z.number().int().optional() });
const RELATIONSHIPS = z.object({
  parent: z.object({ data: LINKAGE.nullable() }).optional(),
  children: z.object({ data: z.array(LINKAGE).max(10_000) }).optional(),
});

/** The attributes and relationships of a create or update body, in the service's terms. */
function parseChanges(req: Request): CollectionChanges {
  const attributes = parseJsonApiBody(req.body, ATTRIBUTES, "upload_collection");
  const relationships = RELATIONSHIPS.safeParse((req.body as { data: { relationships?: unknown } }).data.relationships ?? {});
  if (!relationships.success) {
    const field = String(relationships.error.issues[0]?.path[0] ?? "parent");
    throw DatocmsErrors.INVALID_FIELD(field, `relationships.${field} must be { data: { type: 'upload_collection', id } }${field === "parent" ? " or { data: null }" : "[]"}`);
  }
  const { parent, children } = relationships.data;
  return {
    label: attributes.label,
    position: attributes.position,
    ...(parent ? { parentId: parent.data === null ? null : Number(parent.data.id) } : {}),
    ...(children ? { childIds: children.data.map((child) => Number(child.id)) } : {}),
  };
}

/** `GET/POST /upload-collections`, `GET/PUT/DELETE /upload-collections/:id` in DatoCMS's shapes. */
export function uploadCollectionRoutes(collections: UploadCollectionService): Router {
  const router = Router();
  router.get("/", async (req, res) => {
    const ids = searchParams(req).get("filter[ids]");
    const list = await collections.list(serviceContext(req), ids === null ? undefined : ids.split(",").filter(Boolean));
    sendDatocms(res, 200, { data: list.map(serializeCollection) });
  });
  router.post("/", async (req, res) => {
    const { childIds, label, ...changes } = parseChanges(req);
    if (childIds) throw DatocmsErrors.INVALID_FIELD("children", "children cannot be set on create");
    if (label === undefined) throw DatocmsErrors.INVALID_FIELD("label", "label is required");
    sendDatocms(res, 201, { data: serializeCollection(await collections.create(serviceContext(req), { ...changes, label })) });
  });
  router.get("/:id", async (req, res) => {
    sendDatocms(res, 200, { data: serializeCollection(await collections.get(serviceContext(req), req.params.id)) });
  });
  router.put("/:id", async (req, res) => {
    sendDatocms(res, 200, { data: serializeCollection(await collections.update(serviceContext(req), req.params.id, parseChanges(req))) });
  });
  router.delete("/:id", async (req, res) => {
    sendDatocms(res, 200, { data: serializeCollection(await collections.delete(serviceContext(req), req.params.id)) });
  });
  return router;
}
