import { Router, type Request } from "express";
import { z } from "zod";
import { Errors, route, schemaComponent, serviceContext, type ErrorProfile, type ListQuery, type Prisma, type ServiceContext, type UploadService, type UploadState } from "@assets/core";
import { APIDATATOOLS_STATUSES, APIDATATOOLS_UPLOAD, STATUS_OF, renderUpload } from "./apidatatools-upload.js";

/** `{ "error": ... }`, as {@link APIDATATOOLS_ERRORS} writes it. */
const ERROR = schemaComponent("ApidatatoolsError", z.object({ error: z.string() }));

/** The profile lists one page, newest first (it has no paging); older uploads are omitted, as its notes allow. */
export const APIDATATOOLS_MAX_UPLOADS = 500;

/**
 * The apidatatools List Uploads API: `GET` with an `x-api-key` header,
 * optional `x-upload-status` (pending, processing, completed, failed; anything
 * else is a 400), answering `{ uploads: [...] }` newest first: the caller's own
 * uploads (a superuser's: everyone's), within their permissions. Expired upload
 * requests are omitted. Errors are thrown; the core's handler answers them in
 * {@link APIDATATOOLS_ERRORS}.
 */
export function listUploadsRoutes(uploads: UploadService): Router {
  const router = Router();
  route(router, {
    method: "get",
    path: "/",
    summary: "The caller's uploads, newest first",
    description: `At most ${APIDATATOOLS_MAX_UPLOADS}; expired upload requests are omitted.`,
    tags: ["uploads"],
    signedIn: true,
    parameters: [
      { name: "x-api-key", in: "header", required: true, description: "The caller's API key (the only credential this profile takes)" },
      { name: "x-upload-status", in: "header", description: "Only uploads in this status", schema: { type: "string", enum: [...APIDATATOOLS_STATUSES] } },
    ],
    responses: {
      200: { description: "The uploads", schema: z.object({ uploads: z.array(APIDATATOOLS_UPLOAD) }) },
      400: { description: "An unknown x-upload-status", schema: ERROR },
      401: { description: "No API key, or not a valid one", schema: ERROR },
      405: { description: "Any method but GET", schema: ERROR },
    },
    handler: async (req, res) => {
      const ctx = apiKeyContext(req);
      const states = statesFor(req.get("x-upload-status"));
      const { rows } = await uploads.list(ctx, listQuery(states), { AND: [notExpired(new Date()), ownedBy(ctx)] });
      res.status(200).json({ uploads: rows.map(renderUpload) });
    },
  });
  router.all("/", () => {
    throw Errors.METHOD_NOT_ALLOWED({ detail: "The List Uploads API only answers GET", headers: { Allow: "GET" } });
  });
  return router;
}

/** apidatatools' errors, `{ "error": ... }`, with the reference's messages for 401 and 5xx, the detail otherwise. */
export const APIDATATOOLS_ERRORS: ErrorProfile = {
  render: (error) => ({
    status: error.status,
    body: { error: error.status === 401 ? "Unauthorized" : error.status >= 500 ? "Failed to retrieve uploads" : error.detail },
  }),
};

const NO_KEY = "Send an API key in the x-api-key header";

/** The profile authenticates by `x-api-key` only: no key (or another credential) is a 401 here, never anonymous. */
function apiKeyContext(req: Request): ServiceContext {
  if (!req.get("x-api-key")) throw Errors.UNAUTHENTICATED({ detail: NO_KEY });
  const ctx = serviceContext(req);
  if (ctx.principal.kind !== "user") throw Errors.UNAUTHENTICATED({ detail: NO_KEY });
  return ctx;
}

function statesFor(header: string | undefined): UploadState[] | null {
  if (header === undefined || header.trim() === "") return null;
  const status = header.trim().toLowerCase();
  if (!(APIDATATOOLS_STATUSES as readonly string[]).includes(status)) {
    throw Errors.INVALID_PARAMETER({ detail: `Invalid x-upload-status '${header}'; use one of ${APIDATATOOLS_STATUSES.join(", ")}`, source: { header: "x-upload-status" } });
  }
  return (Object.keys(STATUS_OF) as UploadState[]).filter((state) => STATUS_OF[state] === status);
}

function listQuery(states: UploadState[] | null): ListQuery {
  return {
    filter: states ? { kind: "condition", field: "state", op: "in", value: states } : null,
    search: null,
    sort: [{ field: "created_at", direction: "desc" }],
    page: { offset: 0, limit: APIDATATOOLS_MAX_UPLOADS },
  };
}

/**
 * "Upload records for the authenticated user": the caller's own uploads, whatever else their
 * permissions show (superusers: everyone's). Part of the query, so paging and counts agree.
 */
function ownedBy(ctx: ServiceContext): Prisma.UploadWhereInput {
  if (ctx.principal.kind !== "user") throw Errors.UNAUTHENTICATED({ detail: NO_KEY });
  return ctx.principal.isSuperuser ? {} : { uploader_id: ctx.principal.id };
}

/** Upload requests past their expiry are dead (the sweeper rejects them soon). */
function notExpired(now: Date): Prisma.UploadWhereInput {
  return { OR: [{ state: { not: "requested" } }, { expires_at: null }, { expires_at: { gt: now } }] };
}
