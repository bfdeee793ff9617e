import { Router, type Request } from "express";
import { Errors, searchParams, serviceContext } from "@assets/core";
import { allowOnly, drfList, invalidFields, parseDynamicRestQuery, signedIn, type SerializerFields } from "@assets/drf";
import { RESOURCE_LIST } from "./geonode-fields.js";
import { geonodePage } from "./geonode-page.js";
import { geonodeUrls } from "./geonode-urls.js";
import { typeScope, type GeonodeType, type ResourceBaseService } from "./resource-base-service.js";
import { bulkRecords, parseCreate, parsePatch, recordId, singleRecord } from "./resource-input.js";
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

  router.get(list, async (req, res) => {
    const ctx = serviceContext(req);
    const query = parseDynamicRestQuery(searchParams(req), RESOURCE_LIST);
    const attributes = withAttributes.attributes && Boolean(query.fields.attribute_set);
    const { rows, total, page } = await drfList(query, (q) => service.list(ctx, q, scope, { attributes }));
    res.json(geonodePage(req, plural, page, total, rows.map((view) => serializeResource(view, listSerializer, query.fields, geonodeUrls(req)))));
  });

  const methods = ["GET", "PATCH"];
  if (type === null) {
    methods.push("POST", "DELETE");
    router.post(list, signedIn, async (req, res) => {
      const records = bulkRecords(req.body, singular, plural);
      const views = await service.createMany(serviceContext(req), (records ?? [singleRecord(req.body, singular)]).map((record) => parseCreate(record, type)));
      res.status(201).json(records ? { [plural]: views.map((view) => render(req, view)) } : { [singular]: render(req, views[0]!) });
    });

    router.delete(list, signedIn, async (req, res) => {
      const records = bulkRecords(req.body, singular, plural);
      if (!records) throw invalidFields({ non_field_errors: [`Send the ${plural} to delete as a list: [{"id": 1}, …].`] });
      await service.deleteMany(serviceContext(req), records.map(recordId), scope);
      res.status(204).end();
    });
  }

  router.patch(list, signedIn, async (req, res) => {
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
  });
  router.all(list, allowOnly(methods));

  router.get(detail, async (req, res) => {
    res.json({ [singular]: render(req, await service.get(serviceContext(req), idParam(req), scope, withAttributes)) });
  });

  const update = async (req: Request, full: boolean) => {
    const record = singleRecord(req.body, singular);
    if (full && !("title" in record)) throw invalidFields({ title: ["This field is required."] });
    return { [singular]: render(req, await service.update(serviceContext(req), idParam(req), parsePatch(record), scope, withAttributes)) };
  };
  router.put(detail, signedIn, async (req, res) => {
    res.json(await update(req, true));
  });
  router.patch(detail, signedIn, async (req, res) => {
    res.json(await update(req, false));
  });

  const detailMethods = ["GET", "PUT", "PATCH"];
  if (type === null) {
    detailMethods.push("DELETE");
    router.delete(detail, signedIn, async (req, res) => {
      await service.delete(serviceContext(req), idParam(req), scope);
      res.status(204).end();
    });
  }
  router.all(detail, allowOnly(detailMethods));

  router.get(`/${plural}/:id/:field/`, async (req, res) => {
    const field = String(req.params.field);
    const view = await service.get(serviceContext(req), idParam(req), scope, { attributes: field === "attribute_set" });
    if (!serializer.fields.includes(field)) throw Errors.NOT_FOUND({ detail: `Unknown field: ${field}` });
    if (!RELATION_FIELDS.has(field)) throw invalidFields({ [field]: [`"${field}" is not a relation field.`] });
    res.json(serializeResource(view, serializer, { "*": false, [field]: true }, geonodeUrls(req)));
  });
}
