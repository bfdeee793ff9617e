import { Router, type Request } from "express";
import type { Logger } from "pino";
import { defineAbilityFor } from "../access/ability.js";
import { authenticateRequest } from "../auth/authenticate.js";
import type { Db } from "../db/open-database.js";
import { Errors } from "../errors/index.js";
import type { Prisma, Upload, UploadState } from "../generated/prisma/client.js";
import type { ListQuery } from "../query/types.js";
import type { ServiceContext } from "../services/service-context.js";
import type { UploadService } from "../uploads/upload-service.js";
import { createErrorHandler, type ErrorRenderer } from "./error-handler.js";
import { requestLogger } from "./logging.js";

/** Dependencies of {@link apidatatoolsRoutes}. */
export interface ApidatatoolsRouteOptions {
  db: Db;
  uploads: UploadService;
  log: Logger;
}

/** apidatatools' upload statuses. */
export const APIDATATOOLS_STATUSES = ["pending", "processing", "completed", "failed"] as const;
export type ApidatatoolsStatus = (typeof APIDATATOOLS_STATUSES)[number];

/** How the pipeline's states read in apidatatools' words: waiting for bytes, being worked on, done, failed. */
const STATUS_OF: Readonly<Record<UploadState, ApidatatoolsStatus>> = {
  requested: "pending",
  received: "processing",
  processing: "processing",
  retry: "processing",
  committed: "completed",
  rejected: "failed",
};

/** The profile lists one page, newest first (it has no paging); older uploads are omitted, as its notes allow. */
export const APIDATATOOLS_MAX_UPLOADS = 500;

/** One upload in apidatatools' shape; times are unix seconds. */
export interface ApidatatoolsUpload {
  upload_id: string;
  user_id: string | null;
  status: ApidatatoolsStatus;
  filename: string;
  s3_key: string | null;
  file_size: number | null;
  created_at: number;
  expires_at: number | null;
}

/**
 * The apidatatools List Uploads API at `/list-uploads-api`: `GET` with an
 * `x-api-key` header, optional `x-upload-status` (pending, processing,
 * completed, failed; anything else is a 400), answering `{ uploads: [...] }`
 * newest first: the caller's own uploads (a superuser's: everyone's), within their permissions. Expired upload requests are
 * omitted. Errors take the profile's shape, `{ "error": "..." }`: 401
 * `Unauthorized`, 500 `Failed to retrieve uploads`.
 */
export function apidatatoolsRoutes(options: ApidatatoolsRouteOptions): Router {
  const router = Router();
  router.get("/", async (req, res) => {
    const ctx = await apiKeyContext(req, options);
    const states = statesFor(req.get("x-upload-status"));
    const { rows } = await options.uploads.list(ctx, listQuery(states), { AND: [notExpired(new Date()), ownedBy(ctx)] });
    res.status(200).json({ uploads: rows.map(renderUpload) });
  });
  router.all("/", () => {
    throw Errors.METHOD_NOT_ALLOWED({ detail: "The List Uploads API only answers GET", headers: { Allow: "GET" } });
  });
  router.use(createErrorHandler(options.log, renderApidatatoolsError));
  return router;
}

/** `{ "error": ... }` with the reference's messages for 401 and 5xx, the detail otherwise. */
export const renderApidatatoolsError: ErrorRenderer = (error) => ({
  error: error.status === 401 ? "Unauthorized" : error.status >= 500 ? "Failed to retrieve uploads" : error.detail,
});

/** The profile authenticates by `x-api-key` only: no key is a 401 here, never anonymous. */
async function apiKeyContext(req: Request, options: ApidatatoolsRouteOptions): Promise<ServiceContext> {
  if (!req.get("x-api-key")) throw Errors.UNAUTHENTICATED({ detail: "Send an API key in the x-api-key header" });
  const principal = await authenticateRequest(options.db, req);
  return { db: options.db, principal, ability: defineAbilityFor(principal), log: requestLogger(req, options.log) };
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
  if (ctx.principal.kind !== "user") throw Errors.UNAUTHENTICATED({ detail: "Send an API key in the x-api-key header" });
  return ctx.principal.isSuperuser ? {} : { uploader_id: ctx.principal.id };
}

/** Upload requests past their expiry are dead (the sweeper rejects them soon). */
function notExpired(now: Date): Prisma.UploadWhereInput {
  return { OR: [{ state: { not: "requested" } }, { expires_at: null }, { expires_at: { gt: now } }] };
}

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

function renderUpload(row: Upload): ApidatatoolsUpload {
  return {
    upload_id: row.uuid,
    user_id: row.uploader_id === null ? null : String(row.uploader_id),
    status: STATUS_OF[row.state],
    filename: row.filename,
    s3_key: row.storage_key,
    file_size: row.size === null ? null : Number(row.size),
    created_at: unixSeconds(row.created_at),
    expires_at: row.expires_at ? unixSeconds(row.expires_at) : null,
  };
}
