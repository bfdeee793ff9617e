import { Router, type ErrorRequestHandler, type Request, type RequestHandler } from "express";
import { pino, type Logger } from "pino";
import { z } from "zod";
import { route, schemaComponent } from "./http/route.js";
import { defineAbilityFor } from "./access/ability.js";
import { authenticateRequest, type HostAuthenticate } from "./auth/authenticate.js";
import { PrincipalCache } from "./auth/principal-cache.js";
import type { Pipeline } from "./uploads/create-pipeline.js";
import type { PluginHost, SignedUploads } from "./plugins/types.js";
import { jobRoutes } from "./uploads/job-routes.js";
import { uploadWriteRoutes } from "./uploads/protocols/upload-write-routes.js";
import { tusRoutes } from "./uploads/protocols/tus-routes.js";
import { SIGNED_UPLOADS_PATH, signedPutRoutes, signedPutUrl } from "./uploads/protocols/signed-put-routes.js";
import { urlSignerFor } from "./uploads/protocols/signed-url.js";
import { UploadRequestService } from "./uploads/upload-request-service.js";
import { RESOURCE_FIELDS } from "./resources/resource-fields.js";
import { ResourceService } from "./resources/resource-service.js";
import { UPLOAD_FIELDS } from "./uploads/upload-fields.js";
import { UploadService } from "./uploads/upload-service.js";
import { Errors } from "./errors/index.js";
import { errorHandler, toAppError, withErrorProfile } from "./http/error-handler.js";
import { jsonBody } from "./http/json-body.js";
import { requestLogger, requestLogging } from "./http/logging.js";
import { baseUrl, rememberApiBase, setServiceContext } from "./http/request-context.js";
import { openApiDocument } from "./http/openapi.js";
import { referenceRoutes } from "./http/reference-routes.js";
import { resourceRoutes } from "./resources/resource-routes.js";
import { resourceReferenceRoutes } from "./resources/resource-reference-routes.js";
import { ResourceReferences } from "./resources/resource-references.js";
import { StoredReferences } from "./resources/stored-references.js";
import { assetTypeRoutes } from "./resources/asset-type-routes.js";
import { sendJson } from "./http/send-json.js";
import { uploadReadRoutes } from "./uploads/upload-routes.js";
import { managementRouters } from "./management/management-routes.js";
import { resourceFieldPolicy, uploadFieldPolicy } from "./access/field-policy.js";
import { PermissionService } from "./permissions/permission-service.js";
import { permissionRoutes } from "./permissions/permission-routes.js";

const reachable = z.enum(["ok", "unreachable"]);
const HEALTH = schemaComponent(
  "Health",
  z.object({ status: z.enum(["ok", "degraded"]), database: z.object({ status: reachable, kind: z.string() }), queue: z.object({ status: reachable, backend: z.string() }) }),
);

/** Version of the API the OpenAPI documents describe. */
const API_VERSION = "0.1.0";

/** What a host application passes to `createAssetRouter`. */
export interface AssetRouterOptions {
  /**
   * The upload pipeline (see `createPipeline`): its database, storage, job
   * backend and plugins serve the router too, so both see the same types.
   */
  pipeline: Pipeline;
  /**
   * The host's own authentication (e.g. from its session's `req.user`).
   * Return null to fall back to API keys, then anonymous access.
   */
  authenticate?: HostAuthenticate;
  /** pino logger; every request line carries a `reqId`. */
  logger?: Logger;
  /**
   * HMAC secret for signed upload URLs (`PluginHost.signedUploads`, `PUT /signed-uploads/:uuid`), at least 16
   * characters. Default: random per process, with a warning; multi-process
   * deployments must set one so any process accepts any URL.
   */
  signingSecret?: string;
  /**
   * Directory for unfinished resumable (tus) uploads at `/uploads/tus`.
   * Default: a temporary directory, removed at exit, so they do not survive a restart.
   */
  tusDirectory?: string;
  /** Aborting it stops the router's background work (the cleanup of expired tus uploads). */
  signal?: AbortSignal;
  /**
   * How long (ms) a verified API key's user, organisation roles and groups are
   * reused without reading the database again (default 5000; 0 turns it off).
   * Revoking keys and changing users or memberships through this API takes
   * effect at once in this process; other processes, and changes made
   * straight in the database, take up to this long. Grants are never cached.
   */
  principalCacheMs?: number;
  /**
   * How long (ms) an `Idempotency-Key` stays reserved for the request using it
   * without word from it (default 30000); the request renews it while it
   * runs, so this bounds how long a retry waits after a crash.
   */
  idempotencyLeaseMs?: number;
}

/**
 * Builds the asset API as an Express Router that a host app mounts at any
 * path. Authentication applies only to the router's own paths, so host
 * routes next to it are untouched.
 */
export function createAssetRouter(options: AssetRouterOptions): Router {
  const log = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? "info" });
  const { pipeline } = options;
  const registry = pipeline.registry;
  const db = pipeline.db;
  const resourceFields = registry.resourceFields(RESOURCE_FIELDS);
  const resources = new ResourceService({ fields: resourceFields, include: registry.resourceInclude() });
  const uploads = new UploadService();
  const uploadRequests = new UploadRequestService({ db: db.prisma, ingest: pipeline.ingest, ttlMs: pipeline.limits.requestTtlMs });
  const signer = urlSignerFor(options.signingSecret, log);

  const principals = new PrincipalCache({ ttlMs: options.principalCacheMs ?? 5000 });
  const authenticate: RequestHandler = async (req, _res, next) => {
    const principal = await authenticateRequest(db.prisma, req, options.authenticate, principals);
    setServiceContext(req, { db: db.prisma, principal, ability: defineAbilityFor(principal), log: requestLogger(req, log) });
    next();
  };
  const signedUploads: SignedUploads = {
    async request(ctx, filename, req) {
      const upload = await uploadRequests.create(ctx, filename);
      return { upload, url: signedPutUrl(req, signer, upload) };
    },
    complete: (ctx, path, metadata, target) => uploadRequests.complete(ctx, path, metadata, target),
  };
  const host: Omit<PluginHost, "openApiDocument"> = { db, log, storage: pipeline.storage, uploads: pipeline.ingest, limits: pipeline.limits, types: registry.types, signedUploads, jobs: pipeline.jobs };

  const router = Router();
  // Profiles under their own prefix have their own document; the core's leaves them out.
  const profiles = new Set<Router>();
  const coreInfo = { title: "Asset API", version: API_VERSION, description: "The core JSON:API: resources, uploads, jobs, management." };
  const describeCore = (req: Request) => openApiDocument(router, { ...coreInfo, serverUrl: baseUrl(req), skip: profiles });
  // Plugins' init runs once, before the first request is served.
  router.use(async (_req, _res, next) => {
    await pipeline.init();
    next();
  });
  router.use(requestLogging(log), (req, _res, next) => {
    rememberApiBase(req);
    next();
  });
  route(router, {
    method: "get",
    path: "/health",
    summary: "Whether the database and the job queue answer",
    tags: ["health"],
    responses: { 200: { description: "Both answer", schema: HEALTH }, 503: { description: "One does not", schema: HEALTH } },
    handler: async (req, res) => {
      const checks = await Promise.allSettled([db.prisma.$queryRawUnsafe("SELECT 1"), pipeline.queue.ping()]);
      const [database, queue] = checks.map((c) => (c.status === "fulfilled" ? "ok" : "unreachable"));
      const ok = database === "ok" && queue === "ok";
      sendJson(req, res, ok ? 200 : 503, { status: ok ? "ok" : "degraded", database: { status: database, kind: db.kind }, queue: { status: queue, backend: pipeline.queue.backend } });
    },
  });

  router.use(referenceRoutes(coreInfo.title, describeCore));

  const body = jsonBody();
  router.use("/asset-types", assetTypeRoutes(registry));
  const stored = new StoredReferences(resources);
  const references = new ResourceReferences(resources, registry, stored);
  router.use("/resources", authenticate, body, permissionRoutes(new PermissionService(resources)), resourceReferenceRoutes(references, stored), resourceRoutes(resources, references, registry, { fields: resourceFields, defaultSort: [{ field: "created_at", direction: "desc" }] }, resourceFieldPolicy));
  // Before the body parser and the other /uploads routers: tus reads its own bodies.
  router.use("/uploads/tus", authenticate, tusRoutes({ pipeline, directory: options.tusDirectory, signal: options.signal, log }));
  router.use("/uploads", authenticate, body, uploadWriteRoutes(pipeline, uploads, { idempotency: { leaseMs: options.idempotencyLeaseMs } }), uploadReadRoutes(uploads, { fields: UPLOAD_FIELDS, defaultSort: [{ field: "created_at", direction: "desc" }] }, uploadFieldPolicy));
  // No credentials and no body parser: the signature is the credential, the body the file.
  router.use(SIGNED_UPLOADS_PATH, signedPutRoutes({ service: uploadRequests, signer, log }));
  router.use("/jobs", authenticate, jobRoutes(pipeline));
  const management = managementRouters();
  for (const [path, routes] of management) router.use(path, authenticate, body, routes);
  for (const plugin of registry.plugins) {
    if (!plugin.routes) continue;
    const prefix = plugin.prefix ?? "/";
    const profile = Router();
    const info = plugin.api ?? { title: plugin.name, version: API_VERSION };
    const describe = (req: Request) => openApiDocument(profile, { ...info, serverUrl: `${baseUrl(req)}${prefix === "/" ? "" : prefix}` });
    // A plugin at the root shares the core's document (and its /openapi.json).
    if (prefix !== "/") {
      profiles.add(profile);
      profile.use(referenceRoutes(info.title, describe));
    }
    const refused = plugin.refused;
    // What the core refused before the plugin's routes (credentials, body) goes past the plugin's `refused` first.
    const onRefused: ErrorRequestHandler[] = refused
      ? [(thrown, req, res, next) => void refused(toAppError(thrown) ?? Errors.INTERNAL({ detail: "An unexpected error occurred" }), req, res).then(() => next(thrown), next)]
      : [];
    const chain = Router().use(authenticate, ...body, ...onRefused, plugin.routes({ ...host, openApiDocument: prefix === "/" ? describeCore : describe }));
    // Everything under the plugin's prefix (credentials, bodies, its routes) answers errors in its profile.
    profile.use(plugin.errors ? withErrorProfile(plugin.errors, chain) : chain);
    router.use(prefix, profile);
  }
  // A method or path under the router's own prefixes that no route serves is answered here, in
  // JSON:API, rather than by the host's HTML 404; other paths still fall through to the host.
  const ownPrefixes = ["/resources", "/asset-types", "/uploads", SIGNED_UPLOADS_PATH, "/jobs", ...management.map(([path]) => path)];
  router.use(ownPrefixes, (req) => {
    throw Errors.NOT_FOUND({ detail: `No route serves ${req.method} ${req.originalUrl.split("?")[0]}` });
  });
  router.use(errorHandler(log));
  return router;
}
