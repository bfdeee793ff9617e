import { Router, type Request } from "express";
import { listOptionsFor, type FieldReadPolicy } from "../access/field-policy.js";
import type { ListOptions } from "../query/field-catalog.js";
import { parseJsonApiQuery } from "../query/jsonapi-dialect.js";
import type { ListQuery } from "../query/types.js";
import type { ServiceContext } from "../services/service-context.js";
import { z } from "zod";
import { jsonApiListParameters } from "./jsonapi-parameters.js";
import { JSONAPI_BODY_TYPES, JSONAPI_ITEM, JSONAPI_LIST, JSONAPI_RESOURCE, jsonApiErrors, jsonApiWriteDocument } from "./jsonapi-schemas.js";
import { listDocument, type JsonApiResource } from "./jsonapi.js";
import { route } from "./route.js";
import { baseUrl, searchParams, serviceContext } from "./request-context.js";
import { sendJson } from "./send-json.js";

/** One page of a collection as its list operation returns it. */
export interface CollectionPage<Row> {
  rows: Row[];
  total: number;
}

/**
 * A JSON:API collection as data: each operation is a service call, and the
 * router does the HTTP around it (context, query parsing with the caller's
 * field policy, status codes, `Location`, documents). Omitted operations are
 * not served.
 */
export interface Collection<Row> {
  /** Renders one row; `links.self` is also the `Location` of a created row. */
  render: (row: Row, base: string) => JsonApiResource;
  /** `GET /`: parses the query once, with the caller's field policy, then lists. */
  list?: {
    options: ListOptions;
    fieldPolicy?: FieldReadPolicy;
    run: (ctx: ServiceContext, query: ListQuery, params: Request["params"]) => Promise<CollectionPage<Row>>;
  };
  /** `GET /:id`. */
  get?: (ctx: ServiceContext, id: string, params: Request["params"]) => Promise<Row>;
  /** `POST /` with the JSON body (parse it with `parseJsonApiBody`): 201 and `Location`. */
  create?: (ctx: ServiceContext, body: unknown, params: Request["params"]) => Promise<Row>;
  /** `PATCH /:id` with the JSON body. */
  update?: (ctx: ServiceContext, id: string, body: unknown, params: Request["params"]) => Promise<Row>;
  /** `DELETE /:id`: 204, or 200 with the row when it returns one (a soft delete); `query` as `removeQuery` parsed it. */
  remove?: (ctx: ServiceContext, id: string, params: Request["params"], query: unknown) => Promise<Row | void>;
  /** Query parameters `DELETE /:id` takes (e.g. `force`), validated and documented. */
  removeQuery?: z.ZodType;
  /** Name of the item's path parameter (default `id`), e.g. `userId` for `/:id/members/:userId`. */
  itemParam?: string;
  /** Response headers of a created row (e.g. `Cache-Control: no-store` for a secret shown once). */
  createHeaders?: Record<string, string>;
  /** What the OpenAPI document says of the collection; the attribute schemas are the ones `create`/`update` parse with. */
  docs?: CollectionDocs;
}

/** How a collection describes itself in the OpenAPI document. */
export interface CollectionDocs {
  /** Singular noun for summaries ("resource"). */
  noun: string;
  /** JSON:API `type` (or types) a write document carries. */
  type?: string | readonly string[];
  /** Attributes schema `create` parses (`parseJsonApiBody`). */
  create?: z.ZodType;
  /** Attributes schema `update` parses. */
  update?: z.ZodType;
  /** The rendered item and list documents (default: open JSON:API documents). */
  documents?: { item: z.ZodType; list: z.ZodType };
  tags?: readonly string[];
  /** Error statuses `DELETE /:id` may answer besides 403 and 404 (400 for a bad `removeQuery`, 409 in use). */
  removeErrors?: readonly number[];
}


/** The router of one JSON:API collection; mount it where the collection lives (`mergeParams` keeps a parent's `:id`). */
export function collectionRouter<Row>(collection: Collection<Row>): Router {
  const router = Router({ mergeParams: true });
  const item = `/:${collection.itemParam ?? "id"}`;
  const itemId = (req: Request) => String(req.params[collection.itemParam ?? "id"]);
  const { list, get, create, update, remove } = collection;
  const noun = collection.docs?.noun ?? "row";
  const itemSchema = collection.docs?.documents?.item ?? JSONAPI_ITEM;
  const tags = collection.docs?.tags;
  const body = (attributes: z.ZodType | undefined) => (attributes ? jsonApiWriteDocument(attributes, collection.docs?.type) : z.object({ data: JSONAPI_RESOURCE }));

  if (list) {
    route(router, {
      method: "get",
      path: "/",
      summary: `List ${noun}s`,
      tags,
      parameters: jsonApiListParameters(list.options),
      responses: { 200: { description: `A page of ${noun}s`, schema: collection.docs?.documents?.list ?? JSONAPI_LIST }, ...jsonApiErrors(400) },
      handler: async (req, res) => {
        const ctx = serviceContext(req);
        const query = parseJsonApiQuery(searchParams(req), listOptionsFor(list.options, ctx.principal, list.fieldPolicy));
        const page = await list.run(ctx, query, req.params);
        const base = baseUrl(req);
        sendJson(req, res, 200, listDocument(req, page.rows.map((row) => collection.render(row, base)), query.page, page.total));
      },
    });
  }
  if (get) {
    route(router, {
      method: "get",
      path: item,
      summary: `Read a ${noun}`,
      tags,
      responses: { 200: { description: `The ${noun}`, schema: itemSchema }, ...jsonApiErrors(404) },
      handler: async (req, res) => {
        sendJson(req, res, 200, { data: collection.render(await get(serviceContext(req), itemId(req), req.params), baseUrl(req)) });
      },
    });
  }
  if (create) {
    route(router, {
      method: "post",
      path: "/",
      summary: `Create a ${noun}`,
      tags,
      body: body(collection.docs?.create),
      bodyTypes: JSONAPI_BODY_TYPES,
      validateBody: false,
      responses: { 201: { description: `The new ${noun}`, schema: itemSchema, headers: { Location: `URL of the new ${noun}` } }, ...jsonApiErrors(400, 403) },
      handler: async (req, res) => {
        const data = collection.render(await create(serviceContext(req), req.body, req.params), baseUrl(req));
        if (data.links) res.setHeader("Location", data.links.self);
        for (const [name, value] of Object.entries(collection.createHeaders ?? {})) res.setHeader(name, value);
        sendJson(req, res, 201, { data });
      },
    });
  }
  if (update) {
    route(router, {
      method: "patch",
      path: item,
      summary: `Update a ${noun}`,
      tags,
      body: body(collection.docs?.update),
      bodyTypes: JSONAPI_BODY_TYPES,
      validateBody: false,
      responses: { 200: { description: `The updated ${noun}`, schema: itemSchema }, ...jsonApiErrors(400, 403, 404) },
      handler: async (req, res) => {
        sendJson(req, res, 200, { data: collection.render(await update(serviceContext(req), itemId(req), req.body, req.params), baseUrl(req)) });
      },
    });
  }
  if (remove) {
    route(router, {
      method: "delete",
      path: item,
      summary: `Delete a ${noun}`,
      tags,
      query: collection.removeQuery,
      responses: { 200: { description: `The ${noun}, when deleting keeps it (soft delete)`, schema: itemSchema }, 204: { description: "Deleted" }, ...jsonApiErrors(403, 404, ...(collection.docs?.removeErrors ?? [])) },
      handler: async (req, res, input) => {
        const row = await remove(serviceContext(req), itemId(req), req.params, input.query);
        if (row === undefined) res.status(204).end();
        else sendJson(req, res, 200, { data: collection.render(row, baseUrl(req)) });
      },
    });
  }
  return router;
}
