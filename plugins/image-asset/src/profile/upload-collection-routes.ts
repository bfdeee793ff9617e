import { Router, type Request } from "express";
import { z } from "zod";
import { parseJsonApiBody, route, searchParams, serviceContext } from "@assets/core";
import { DatocmsErrors } from "./datocms-errors.js";
import { DATOCMS_ERROR, RATE_HEADERS, UPLOAD_COLLECTION } from "./datocms-schemas.js";
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

const ID_PARAMS = z.object({ id: z.string() });
/** The documented body of a create or update (the handler parses it itself, for DatoCMS's field names in errors). */
const WRITE_BODY = z.object({ data: z.object({ type: z.literal("upload_collection"), id: z.string().optional(), attributes: ATTRIBUTES.optional(), relationships: RELATIONSHIPS.optional() }) });
const ONE = z.object({ data: UPLOAD_COLLECTION });
const errors = (statuses: Record<number, string>) => Object.fromEntries(Object.entries(statuses).map(([status, description]) => [status, { description, schema: DATOCMS_ERROR }]));

/** `GET/POST /upload-collections`, `GET/PUT/DELETE /upload-collections/:id` in DatoCMS's shapes. */
export function uploadCollectionRoutes(collections: UploadCollectionService): Router {
  const router = Router();
  const tags = ["upload-collections"];
  route(router, {
    method: "get",
    path: "/",
    summary: "Every upload collection (a tree: parent and children in position order)",
    tags,
    parameters: [{ name: "filter[ids]", in: "query", description: "Only these collections (comma-separated ids)" }],
    responses: { 200: { description: "The collections", schema: z.object({ data: z.array(UPLOAD_COLLECTION) }), headers: RATE_HEADERS } },
    handler: async (req, res) => {
      const ids = searchParams(req).get("filter[ids]");
      const list = await collections.list(serviceContext(req), ids === null ? undefined : ids.split(",").filter(Boolean));
      sendDatocms(res, 200, { data: list.map(serializeCollection) });
    },
  });
  route(router, {
    method: "post",
    path: "/",
    summary: "Creates a collection at a position among its siblings (default last)",
    tags,
    signedIn: true,
    body: WRITE_BODY,
    validateBody: false,
    responses: { 201: { description: "The collection", schema: ONE, headers: RATE_HEADERS }, ...errors({ 401: "No credentials", 403: "The caller may not upload", 422: "A missing label or an unknown parent" }) },
    handler: async (req, res) => {
      const { childIds, label, ...changes } = parseChanges(req);
      if (childIds) throw DatocmsErrors.INVALID_FIELD("children", "children cannot be set on create");
      if (label === undefined) throw DatocmsErrors.INVALID_FIELD("label", "label is required");
      sendDatocms(res, 201, { data: serializeCollection(await collections.create(serviceContext(req), { ...changes, label })) });
    },
  });
  route(router, {
    method: "get",
    path: "/:id",
    summary: "One collection",
    tags,
    params: ID_PARAMS,
    responses: { 200: { description: "The collection", schema: ONE, headers: RATE_HEADERS }, ...errors({ 404: "No such collection" }) },
    handler: async (req, res, { params }) => {
      sendDatocms(res, 200, { data: serializeCollection(await collections.get(serviceContext(req), params.id)) });
    },
  });
  route(router, {
    method: "put",
    path: "/:id",
    summary: "Renames, moves (position, parent) or reorders the children of a collection",
    tags,
    signedIn: true,
    params: ID_PARAMS,
    body: WRITE_BODY,
    validateBody: false,
    responses: {
      200: { description: "The collection", schema: ONE, headers: RATE_HEADERS },
      ...errors({ 401: "No credentials", 403: "The caller may not upload", 404: "No such collection", 422: "A move inside itself, an unknown parent, children that are not its children" }),
    },
    handler: async (req, res, { params }) => {
      sendDatocms(res, 200, { data: serializeCollection(await collections.update(serviceContext(req), params.id, parseChanges(req))) });
    },
  });
  route(router, {
    method: "delete",
    path: "/:id",
    summary: "Deletes a collection and its descendants; their uploads stay, in no collection",
    tags,
    signedIn: true,
    params: ID_PARAMS,
    responses: { 200: { description: "The collection as it was", schema: ONE, headers: RATE_HEADERS }, ...errors({ 401: "No credentials", 403: "The caller may not upload", 404: "No such collection" }) },
    handler: async (req, res, { params }) => {
      sendDatocms(res, 200, { data: serializeCollection(await collections.delete(serviceContext(req), params.id)) });
    },
  });
  return router;
}
