import { Router, type Request } from "express";
import { z } from "zod";
import { Errors, route, searchParams, serviceContext } from "@assets/core";
import { allowOnly, drfList, dynamicRestListParameters, invalidFields, parseDynamicRestQuery, signedIn, type SerializerFields } from "@assets/drf";
import { GEONODE_OBJECT, geonodeErrors, geonodePageSchema } from "./geonode-openapi.js";
import { RESOURCE_LIST } from "./geonode-fields.js";
import { geonodePage } from "./geonode-page.js";
import { geonodeUrls } from "./geonode-urls.js";
import { typeScope, type GeonodeType, type ResourceBaseService } from "./resource-base-service.js";
import { bulkRecords, parseCreate, parsePatch, recordId, RESOURCE_CREATE, RESOURCE_WRITE, singleRecord } from "./resource-input.js";
import { DATASET_LIST_SERIALIZER, DATASET_SERIALIZER, DOCUMENT_SERIALIZER, RESOURCE_SERIALIZER, serializeResource } from "./resource-serializer.js";
import type { ResourceView } from "./resource-view.js";

/** One of GeoNode's resource endpoints: `/resources/`, `/datasets/`, `/documents/`. */
export interface ResourceEndpoint {
  plural: string;
  singular: string;
  type: GeonodeType | null;
  serializer: SerializerFields;
  /** The serializer of the list (GeoNode's `DatasetListSerializer` for datasets). */
  listSerializer: SerializerFields;
}

export const ENDPOINTS: readonly ResourceEndpoint[] = [
  { plural: "resources", singular: "resource", type: null, serializer: RESOURCE_SERIALIZER, listSerializer: RESOURCE_SERIALIZER },
  { plural: "datasets", singular: "dataset", type: "dataset", serializer: DATASET_SERIALIZER, listSerializer: DATASET_LIST_SERIALIZER },
  { plural: "documents", singular: "document", type: "document", serializer: DOCUMENT_SERIALIZER, listSerializer: DOCUMENT_SERIALIZER },
];

/** The `:id` of a detail path. */
export const idParam = (req: Request) => String(req.params.id);

/** Relation fields `/<type>/{id}/{field_name}/` answers (dynamic-rest's `DynamicRelationField`s). */
const RELATION_FIELDS = new Set(["owner", "keywords", "regions", "category", "group", "license", "metadata", "links", "attribute_set"]);

const LIST_PARAMETERS = dynamicRestListParameters(RESOURCE_LIST);
/** A detail reads the same field selection as a list. */
const SELECTION_PARAMETERS = LIST_PARAMETERS.filter((p) => ["include[]", "exclude[]", "api_preset"].includes(p.name));

/**
 * GeoNode's resource lists and details with dynamic-rest's semantics: list,
 * detail GET/PUT/PATCH, bulk POST/PATCH/DELETE (`/resources/` only for POST and
 * DELETE, as GeoNode), `patch-all`, and `/{id}/{field_name}/` for related objects.
 */
export function resourceBaseRoutes(service: ResourceBaseService): Router {
  const router = Router();
  for (const endpoint of ENDPOINTS) mountEndpoint(router, service, endpoint);
  return router;
}

function mountEndpoint(router: Router, service: ResourceBaseService, endpoint: ResourceEndpoint) {
  const { plural, singular, type, serializer, listSerializer } = endpoint;
  const withAttributes = { attributes: serializer.fields.includes("attribute_set") };
  const scope = typeScope(type);
  const list = `/${plural}/`;
  const detail = `/${plural}/:id/`;
  const render = (req: Request, view: ResourceView, selection = parseSelection(req)) => serializeResource(view, serializer, selection, geonodeUrls(req));
  const parseSelection = (req: Request) => parseDynamicRestQuery(searchParams(req), RESOURCE_LIST).fields;
  const tags = [plural];
  const one = z.object({ [singular]: GEONODE_OBJECT });
  const many = z.object({ [plural]: z.array(GEONODE_OBJECT) });
  // Bodies are read by resource-input's parsers (DRF's messages, enveloped or bare); the schemas document them.
  const bulk = (item: z.ZodType) => z.union([z.array(item), z.object({ [plural]: z.array(item) })]);
  const single = (item: z.ZodType) => z.union([item, z.object({ [singular]: item })]);
  const write = { signedIn: true, middleware: [signedIn], validateBody: false, tags } as const;

  route(router, {
    method: "get",
    path: list,
    summary: `List ${plural}`,
    tags,
    parameters: LIST_PARAMETERS,
    responses: { 200: { description: `A page of ${plural}`, schema: geonodePageSchema(`${singular[0]!.toUpperCase()}${singular.slice(1)}Page`, plural) }, ...geonodeErrors(400, 404) },
    handler: async (req, res) => {
      const ctx = serviceContext(req);
      const query = parseDynamicRestQuery(searchParams(req), RESOURCE_LIST);
      const attributes = withAttributes.attributes && Boolean(query.fields.attribute_set);
      const { rows, total, page } = await drfList(query, (q) => service.list(ctx, q, scope, { attributes }));
      res.json(geonodePage(req, plural, page, total, rows.map((view) => serializeResource(view, listSerializer, query.fields, geonodeUrls(req)))));
    },
  });

  const methods = ["GET", "PATCH"];
  if (type === null) {
    methods.push("POST", "DELETE");
    route(router, {
      ...write,
      method: "post",
      path: list,
      summary: `Create ${plural} (one record, or a list)`,
      body: z.union([single(RESOURCE_CREATE), bulk(RESOURCE_CREATE)]),
      responses: { 201: { description: "The new record, or the list of them", schema: z.union([one, many]) }, ...geonodeErrors(400, 401, 403) },
      handler: async (req, res) => {
        const records = bulkRecords(req.body, singular, plural);
        const views = await service.createMany(serviceContext(req), (records ?? [singleRecord(req.body, singular)]).map((record) => parseCreate(record, type)));
        res.status(201).json(records ? { [plural]: views.map((view) => render(req, view)) } : { [singular]: render(req, views[0]!) });
      },
    });

    route(router, {
      ...write,
      method: "delete",
      path: list,
      summary: `Delete a list of ${plural} by id`,
      body: bulk(z.object({ id: z.union([z.number().int(), z.string()]) })),
      responses: { 204: { description: "Deleted" }, ...geonodeErrors(400, 401, 403, 404) },
      handler: async (req, res) => {
        const records = bulkRecords(req.body, singular, plural);
        if (!records) throw invalidFields({ non_field_errors: [`Send the ${plural} to delete as a list: [{"id": 1}, …].`] });
        await service.deleteMany(serviceContext(req), records.map(recordId), scope);
        res.status(204).end();
      },
    });
  }

  route(router, {
    ...write,
    method: "patch",
    path: list,
    summary: `Update a list of ${plural} by id, or every match with ?patch-all=true`,
    parameters: [...LIST_PARAMETERS, { name: "patch-all", in: "query", description: "true: apply the body to every record the filters match (that the caller may change), in one transaction", schema: { type: "string" } }],
    body: z.union([bulk(RESOURCE_WRITE.extend({ id: z.union([z.number().int(), z.string()]) })), single(RESOURCE_WRITE)]),
    responses: { 200: { description: "The updated records, or with patch-all `{meta: {updated}}`", schema: z.union([many, z.object({ meta: z.object({ updated: z.number().int() }) })]) }, ...geonodeErrors(400, 401, 403, 404) },
    handler: async (req, res) => {
      const ctx = serviceContext(req);
      const query = parseDynamicRestQuery(searchParams(req), RESOURCE_LIST);
      if (query.patchAll) {
        const updated = await service.patchAll(ctx, query, parsePatch(singleRecord(req.body, singular)), scope);
        res.json({ meta: { updated } });
        return;
      }
      const records = bulkRecords(req.body, singular, plural);
      if (!records) throw invalidFields({ non_field_errors: ["PATCH on a list takes a list of records with their ids, or ?patch-all=true with filters."] });
      const views = await service.updateMany(ctx, records.map((record, i) => ({ id: recordId(record, i), patch: parsePatch(record) })), scope);
      res.json({ [plural]: views.map((view) => render(req, view, query.fields)) });
    },
  });
  router.all(list, allowOnly(methods));

  route(router, {
    method: "get",
    path: detail,
    summary: `One of the ${plural}`,
    tags,
    parameters: SELECTION_PARAMETERS,
    responses: { 200: { description: `The ${singular}`, schema: one }, ...geonodeErrors(404) },
    handler: async (req, res) => {
      res.json({ [singular]: render(req, await service.get(serviceContext(req), idParam(req), scope, withAttributes)) });
    },
  });

  const update = async (req: Request, full: boolean) => {
    const record = singleRecord(req.body, singular);
    if (full && !("title" in record)) throw invalidFields({ title: ["This field is required."] });
    return { [singular]: render(req, await service.update(serviceContext(req), idParam(req), parsePatch(record), scope, withAttributes)) };
  };
  route(router, {
    ...write,
    method: "put",
    path: detail,
    summary: `Update a ${singular} (title required)`,
    body: single(RESOURCE_WRITE.extend({ title: z.string().min(1) })),
    responses: { 200: { description: `The ${singular}`, schema: one }, ...geonodeErrors(400, 401, 403, 404) },
    handler: async (req, res) => {
      res.json(await update(req, true));
    },
  });
  route(router, {
    ...write,
    method: "patch",
    path: detail,
    summary: `Change some of a ${singular}'s fields`,
    body: single(RESOURCE_WRITE),
    responses: { 200: { description: `The ${singular}`, schema: one }, ...geonodeErrors(400, 401, 403, 404) },
    handler: async (req, res) => {
      res.json(await update(req, false));
    },
  });

  const detailMethods = ["GET", "PUT", "PATCH"];
  if (type === null) {
    detailMethods.push("DELETE");
    route(router, {
      ...write,
      method: "delete",
      path: detail,
      summary: `Delete a ${singular}`,
      responses: { 204: { description: "Deleted" }, ...geonodeErrors(401, 403, 404) },
      handler: async (req, res) => {
        await service.delete(serviceContext(req), idParam(req), scope);
        res.status(204).end();
      },
    });
  }
  router.all(detail, allowOnly(detailMethods));

  route(router, {
    method: "get",
    path: `/${plural}/:id/:field/`,
    summary: `A related object of a ${singular} (${[...RELATION_FIELDS].join(", ")})`,
    tags,
    responses: { 200: { description: "The record with that field only", schema: one }, ...geonodeErrors(400, 404) },
    handler: async (req, res) => {
      const field = String(req.params.field);
      const view = await service.get(serviceContext(req), idParam(req), scope, { attributes: field === "attribute_set" });
      if (!serializer.fields.includes(field)) throw Errors.NOT_FOUND({ detail: `Unknown field: ${field}` });
      if (!RELATION_FIELDS.has(field)) throw invalidFields({ [field]: [`"${field}" is not a relation field.`] });
      res.json(serializeResource(view, serializer, { "*": false, [field]: true }, geonodeUrls(req)));
    },
  });
}
