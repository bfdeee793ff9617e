import { Router, type Request } from "express";
import { listOptionsFor, type FieldReadPolicy } from "../access/field-policy.js";
import type { ListOptions } from "../query/field-catalog.js";
import { parseJsonApiQuery } from "../query/jsonapi-dialect.js";
import type { ListQuery } from "../query/types.js";
import type { ServiceContext } from "../services/service-context.js";
import { listDocument, type JsonApiResource } from "./jsonapi.js";
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
  /** `DELETE /:id`: 204, or 200 with the row when it returns one (a soft delete). */
  remove?: (ctx: ServiceContext, id: string, params: Request["params"]) => Promise<Row | void>;
  /** Name of the item's path parameter (default `id`), e.g. `userId` for `/:id/members/:userId`. */
  itemParam?: string;
  /** Response headers of a created row (e.g. `Cache-Control: no-store` for a secret shown once). */
  createHeaders?: Record<string, string>;
}

/** The router of one JSON:API collection; mount it where the collection lives (`mergeParams` keeps a parent's `:id`). */
export function collectionRouter<Row>(collection: Collection<Row>): Router {
  const router = Router({ mergeParams: true });
  const item = `/:${collection.itemParam ?? "id"}`;
  const itemId = (req: Request) => String(req.params[collection.itemParam ?? "id"]);
  const { list, get, create, update, remove } = collection;

  if (list) {
    router.get("/", async (req, res) => {
      const ctx = serviceContext(req);
      const query = parseJsonApiQuery(searchParams(req), listOptionsFor(list.options, ctx.principal, list.fieldPolicy));
      const page = await list.run(ctx, query, req.params);
      const base = baseUrl(req);
      sendJson(req, res, 200, listDocument(req, page.rows.map((row) => collection.render(row, base)), query.page, page.total));
    });
  }
  if (get) {
    router.get(item, async (req, res) => {
      sendJson(req, res, 200, { data: collection.render(await get(serviceContext(req), itemId(req), req.params), baseUrl(req)) });
    });
  }
  if (create) {
    router.post("/", async (req, res) => {
      const data = collection.render(await create(serviceContext(req), req.body, req.params), baseUrl(req));
      if (data.links) res.setHeader("Location", data.links.self);
      for (const [name, value] of Object.entries(collection.createHeaders ?? {})) res.setHeader(name, value);
      sendJson(req, res, 201, { data });
    });
  }
  if (update) {
    router.patch(item, async (req, res) => {
      sendJson(req, res, 200, { data: collection.render(await update(serviceContext(req), itemId(req), req.body, req.params), baseUrl(req)) });
    });
  }
  if (remove) {
    router.delete(item, async (req, res) => {
      const row = await remove(serviceContext(req), itemId(req), req.params);
      if (row === undefined) res.status(204).end();
      else sendJson(req, res, 200, { data: collection.render(row, baseUrl(req)) });
    });
  }
  return router;
}
