import { Router, type Request } from "express";
import { z } from "zod";
import { Errors, route, schemaComponent, sendJson, serviceContext, type PluginHost, type Prisma, type ServiceContext } from "@assets/core";
import { allowOnly, invalidFields, signedIn } from "@assets/drf";
import { operationKind, type GeonodeOperation, type OperationPayload } from "../operations/operation-kinds.js";
import { geonodeErrors } from "./geonode-openapi.js";
import { geonodeUrls } from "./geonode-urls.js";
import { GEONODE_TYPES, ResourceBaseService, typeScope, type GeonodeType } from "./resource-base-service.js";
import { idParam } from "./resource-base-routes.js";
import { parseCreate, parsePatch } from "./resource-input.js";

const ANY_TYPE = typeScope(null);

/** What every operation answers. */
const EXECUTION_STARTED = schemaComponent("GeonodeExecutionStarted", z.object({ status: z.literal("ready"), execution_id: z.string(), status_url: z.string() }));
/** A dict parameter: an object, or its JSON text. */
const DICT = z.union([z.looseObject({}), z.string()]);

/**
 * GeoNode's request parameters (`_get_request_params`): the body's, then the query string's; a
 * dict-valued one (`defaults`, `vals`) may come as an object or as its JSON text.
 */
function requestParams(req: Request): Record<string, unknown> {
  const body = typeof req.body === "object" && req.body !== null && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
  return { ...Object.fromEntries(new URL(req.originalUrl, "http://x").searchParams), ...body };
}

function dictParam(params: Record<string, unknown>, name: string): Record<string, unknown> {
  let value = params[name];
  if (value === undefined || value === null || value === "") return {};
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      throw invalidFields({ [name]: ["Not a valid JSON object."] });
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidFields({ [name]: ["Expected a dictionary of items."] });
  return value as Record<string, unknown>;
}

function userOf(ctx: ServiceContext) {
  if (ctx.principal.kind !== "user") throw Errors.UNAUTHENTICATED({ detail: "Authentication credentials were not provided." });
  return ctx.principal;
}

function mayCreate(ctx: ServiceContext): void {
  if (!ctx.ability.can("create", "Resource")) throw Errors.FORBIDDEN({ detail: "You do not have permission to perform this action." });
}

function resourceType(raw: string): GeonodeType {
  if (!Object.hasOwn(GEONODE_TYPES, raw)) throw Errors.NOT_FOUND({ detail: `Unknown resource type '${raw}'; this server has ${Object.keys(GEONODE_TYPES).join(", ")}.` });
  return raw as GeonodeType;
}

/** A list parameter: a list, or its JSON text. */
function listParam(params: Record<string, unknown>, name: string): unknown[] {
  let value = params[name];
  if (value === undefined || value === null || value === "") return [];
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      throw invalidFields({ [name]: ["Not a valid JSON list."] });
    }
  }
  if (!Array.isArray(value)) throw invalidFields({ [name]: [`Expected a list of items but got type "${typeof value}".`] });
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What create and ingest read first: the caller (who may create), the type, `uuid` and `defaults`. */
function creation(req: Request) {
  const ctx = serviceContext(req);
  const type = resourceType(String(req.params.resource_type));
  mayCreate(ctx);
  const params = requestParams(req);
  const raw = params.uuid;
  if (raw !== undefined && raw !== null && (typeof raw !== "string" || !UUID.test(raw))) throw invalidFields({ uuid: ["Must be a valid UUID."] });
  return { ctx, type, params, uuid: (raw as string | undefined | null) ?? undefined, defaults: dictParam(params, "defaults") };
}

/**
 * GeoNode's resource-service operations: `PUT /resources/{id}/copy`, `DELETE /resources/{id}/delete`,
 * `PUT /resources/{id}/update`, `POST /resources/create/{resource_type}` and
 * `POST /resources/ingest/{resource_type}`. Each authorizes now (404 unseen, 403 not allowed),
 * records a job of the pipeline's queue and answers 200 `{status, execution_id, status_url}`.
 */
export function operationRoutes(host: PluginHost): Router {
  const resources = new ResourceBaseService();
  const router = Router();

  async function enqueue(req: Request, operation: GeonodeOperation, payload: Omit<OperationPayload, "func_name" | "scopes">, subjectId: number | null) {
    const user = userOf(serviceContext(req));
    const job = await host.jobs.enqueue({
      kind: operationKind(operation),
      payload: { ...payload, func_name: operation, scopes: user.scopes } as unknown as Prisma.InputJsonObject,
      subjectId,
      userId: user.id,
    });
    const status_url = geonodeUrls(req).api(`/resource-service/execution-status/${job.id}`);
    return { status: "ready", execution_id: job.id, status_url };
  }

  const operation = (method: "put" | "delete" | "post", path: string, summary: string, body: z.ZodType | undefined, run: (req: Request) => Promise<unknown>) => {
    route(router, {
      method,
      path,
      summary,
      tags: ["resources"],
      signedIn: true,
      middleware: [signedIn],
      // The handlers read GeoNode's parameters themselves (an object or its JSON text); the schema documents them.
      ...(body ? { body, validateBody: false } : {}),
      responses: { 200: { description: "The execution request, ready: poll status_url", schema: EXECUTION_STARTED }, ...geonodeErrors(400, 401, 403, 404) },
      handler: async (req, res) => {
        sendJson(req, res, 200, await run(req));
      },
    });
    router.all(path, allowOnly([method.toUpperCase()]));
  };

  operation("put", "/resources/:id/copy", "Copy a resource (a job): the copy is the caller's, its files copied", z.object({ defaults: DICT.optional() }), async (req) => {
    const ctx = serviceContext(req);
    const row = await resources.authorize(ctx, idParam(req), "download", ANY_TYPE);
    mayCreate(ctx);
    const defaults = dictParam(requestParams(req), "defaults");
    const title = defaults.title === undefined ? undefined : parsePatch({ title: defaults.title }).name;
    const input_params = { instance: row.id, owner: userOf(ctx).username, defaults };
    return enqueue(req, "copy", { input_params, resource_id: row.id, title }, row.id);
  });

  operation("delete", "/resources/:id/delete", "Delete a resource (a job)", undefined, async (req) => {
    const row = await resources.authorize(serviceContext(req), idParam(req), "delete", ANY_TYPE);
    return enqueue(req, "delete", { input_params: { uuid: row.uuid }, resource_id: row.id }, row.id);
  });

  operation("put", "/resources/:id/update", "Update a resource's title, abstract or keywords (a job)", z.object({ vals: DICT.optional(), xml_file: z.string().nullable().optional(), metadata_uploaded: z.boolean().optional() }), async (req) => {
    const row = await resources.authorize(serviceContext(req), idParam(req), "change_metadata", ANY_TYPE);
    const params = requestParams(req);
    const vals = dictParam(params, "vals");
    const patch = parsePatch(vals);
    const input_params = { uuid: row.uuid, vals, xml_file: params.xml_file ?? null, metadata_uploaded: params.metadata_uploaded ?? false };
    return enqueue(req, "update", { input_params, resource_id: row.id, patch }, row.id);
  });

  // GeoNode's create: `resource_manager.create(uuid, resource_type, defaults)`, the resource made from `defaults`.
  operation("post", "/resources/create/:resource_type", "Create a resource of a type from its metadata (a job; files go through /uploads/upload)", z.object({ uuid: z.string().optional(), defaults: DICT }), async (req) => {
    const { ctx, type, uuid, defaults } = creation(req);
    const create = parseCreate({ ...defaults, resource_type: type }, type);
    const input_params = { uuid: uuid ?? null, resource_type: type, defaults: { owner: userOf(ctx).username, ...defaults } };
    return enqueue(req, "create", { input_params, create: { ...create, ...(uuid && { uuid }) } }, null);
  });

  // GeoNode's ingest: `resource_manager.ingest(files, uuid, resource_type, defaults)`. A document is made
  // from `defaults` (their `name` and `files` dropped, the rest written as metadata); a dataset only
  // from files, so without any nothing is made (the request finishes with output null). `files` are
  // paths on GeoNode's own disk: never read here, refused (upload through /uploads/upload).
  operation("post", "/resources/ingest/:resource_type", "Ingest a resource of a type: a document from its metadata; a dataset needs files, sent through /uploads/upload (a job)", z.object({ uuid: z.string().optional(), files: z.union([z.array(z.string()), z.string()]).optional(), defaults: DICT }), async (req) => {
    const { ctx, type, params, uuid, defaults } = creation(req);
    const files = listParam(params, "files");
    if (files.length > 0) throw invalidFields({ files: ["Files are not read from server paths here: send them through POST /api/v2/uploads/upload."] });
    const { name: _name, files: _files, ...metadata } = defaults;
    const create = type === "document" ? parseCreate({ ...metadata, resource_type: type }, type) : undefined;
    const input_params = { uuid: uuid ?? null, files: [], resource_type: type, defaults: { owner: userOf(ctx).username, ...defaults } };
    return enqueue(req, "ingest", { input_params, ...(create && { create: { ...create, ...(uuid && { uuid }) } }) }, null);
  });
  return router;
}
