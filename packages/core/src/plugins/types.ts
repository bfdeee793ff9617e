import type { Request, Response, Router } from "express";
import type { AppError } from "../errors/index.js";
import type { Prisma, Upload } from "../generated/prisma/client.js";
import type { ServiceContext } from "../services/service-context.js";
import type { UploadRequestTarget } from "../uploads/upload-request-service.js";
import type { FieldCatalog } from "../query/field-catalog.js";
import type { Database } from "../db/open-database.js";
import type { Logger } from "pino";
import type { ErrorProfile } from "../http/error-handler.js";
import type { CommitHook, Processor } from "../uploads/processing/processor.js";
import type { JobKind, PluginJobs } from "../uploads/processing/job-kind.js";
import type { IngestResult, UploadIngest } from "../uploads/ingest-types.js";
import type { UploadLimits } from "../uploads/upload-limits.js";
import type { StorageDriver } from "../storage/storage-driver.js";

/**
 * An asset type a plugin adds: its key (stored in `Resource.type`), the
 * Prisma relation on Resource that holds its own 1:1 record, and what of that
 * record is queryable and rendered through the core JSON:API.
 */
export interface AssetTypeDefinition {
  /** Stored in `Resource.type`; also the JSON:API `type` of its resources. */
  key: string;
  /** Name of the 1:1 relation on the Resource model, e.g. `raster_source`. */
  relation?: string;
  /** Fields of the type's own record, with paths starting at Resource (e.g. `["raster_source", "projection"]`). */
  fields?: FieldCatalog;
  /** Extra JSON:API attributes from the type's own record (`resource[relation]`). */
  attributes?: (record: Record<string, unknown>) => Record<string, unknown>;
  /**
   * A small preview image of the resource, as a path under the API's base (e.g. the raster's PNG
   * window, an image derivative), rendered as `links.thumbnail`; null when there is none yet.
   * Clients such as the studio show it in grids, so it should answer a small image quickly.
   */
  thumbnail?: (resource: { id: number; uuid: string }, record: Record<string, unknown>) => string | null;
  /**
   * What uploads of this type may contain: sniffed MIME types (`file-type`) and
   * filename extensions. An upload whose sniffed content is not listed ends
   * `rejected`. Omit to accept anything.
   */
  accepts?: { mimeTypes?: readonly string[]; extensions?: readonly string[] };
  /** Largest upload of this type in bytes (below the global limit). */
  maxUploadSize?: number;
  /** Steps run in order over each upload of this type. */
  processors?: readonly Processor[];
  /**
   * Longest time one processing attempt of an upload of this type may take, in ms. When it
   * passes, the processors' signal aborts and the upload ends `rejected` with the reason,
   * whether or not they stop (processors should yield so the timer can fire). No limit by default.
   */
  timeLimitMs?: number;
  /** Writes the processors' results when the upload commits (one transaction with the state change). */
  commit?: CommitHook;
  /**
   * Where uploads of this type end up when their resources carry another type's key: that
   * `Resource.type` and the field values (of `fields`) that tell them apart (GeoNode's raster
   * datasets: `{ type: "dataset", fields: { subtype: "raster" } }`). `GET /asset-types` renders it
   * as `resource_type` and `resource_filter`, so a client filtering resources by asset type need not
   * know the plugin. Omit when the resources carry this type's own key.
   */
  committedAs?: { type: string; fields?: Readonly<Record<string, string>> };
  /**
   * What depends on a resource of this type and would break if it went (a raster source's layers
   * and label types; the records whose file field holds an image). `GET /resources/:id/references`
   * lists them, and `DELETE /resources/:id` refuses (409) a resource with any unless `force=true`.
   * Called once the caller was allowed to read the resource; lists every dependant, whether or not
   * the caller may read it (as DatoCMS's `in_use` and Lizard's `layers` do). Omit when nothing can.
   */
  references?: (ctx: ServiceContext, resource: { id: number; uuid: string }) => Promise<ResourceReference[]>;
  /**
   * Runs in the delete's transaction, before the row goes, when a resource with references is
   * deleted with `force`: leaves the dependants as the type's API promises (a Lizard layer lists
   * the source in `deleted_sources`). Without it, the database's own `onDelete` rules apply.
   */
  detach?: (tx: Prisma.TransactionClient, resource: { id: number; uuid: string }) => Promise<void>;
}

/** One thing that depends on a resource, as {@link AssetTypeDefinition.references} reports it. */
export interface ResourceReference {
  /** Its kind, in the type's API's words (`raster_layer`, `label_type`, `item`). */
  type: string;
  /** Its id or uuid in that API. */
  id: string;
  /** A name to show, when it has one. */
  name?: string | null;
  /** Where to read it, a path under the API's base (e.g. `/api/v4/rasters/<uuid>/`), when there is one. */
  path?: string | null;
  /** The dependant's field that holds the reference (`hero_image`), for a reference recorded through `PUT /resources/:id/uses/:field`. */
  field?: string | null;
}

/** What a plugin's `init` and route factory receive once the host is up. */
export interface PluginContext {
  db: Database;
  log: Logger;
  /** Where uploads' bytes and their derivatives live. */
  storage: StorageDriver;
}

/**
 * A plugin is a plain typed object the host passes in; the core never imports
 * one. `register` declares synchronously, `init` runs once the database,
 * queue and storage are up.
 */
export interface AssetPlugin {
  name: string;
  /**
   * Other plugins (by name) this one builds on: their tables, types or code (imported from their
   * packages' exports). Each must be registered, and listed before this plugin, since migrations,
   * `init` and routes run in list order; otherwise registration fails with PLUGIN_MISSING_DEPENDENCY
   * or PLUGIN_DEPENDENCY_ORDER.
   */
  dependsOn?: readonly string[];
  types?: readonly AssetTypeDefinition[];
  /**
   * Kinds of jobs the plugin runs through the pipeline's queue (its routes enqueue them with
   * `host.jobs.enqueue`); each `kind` is unique across plugins.
   */
  jobs?: readonly JobKind[];
  /** Mount path of the plugin's routes inside the asset router, e.g. `/api/v4`. */
  prefix?: string;
  /** Builds the plugin's own router (route-level middleware only). Declare routes with `route()` so the profile's OpenAPI document has them. */
  routes?: (host: PluginHost) => Router;
  /** Title and version of the profile's OpenAPI document (default: the plugin's name). */
  api?: { title: string; version: string; description?: string };
  /**
   * How errors raised under `prefix` are answered (bad credentials, unparsable bodies, everything
   * its routes throw), e.g. DRF's `{ detail }`; JSON:API when absent. The router only throws:
   * the core's one error handler renders with this profile.
   */
  errors?: ErrorProfile;
  /**
   * The plugin's SQL migrations: a folder of `<timestamp>_<name>/migration.sql`, as the core's.
   * `migrate(db, dir, plugins)` applies them after the core's, recorded as `<plugin name>/<folder>`.
   * Its Prisma models live beside them (`prisma/schema/*.prisma`) and reach the shared client
   * through the `assets-schema` command (docs/plugins.md).
   */
  migrations?: string;
  /** Runs once, before the first request or job, when database, queue and storage are up. */
  init?: (ctx: PluginContext) => Promise<void>;
  /**
   * Releases what the plugin holds open (a Redis connection, timers), so the process can exit:
   * `pipeline.close()` calls it once, after the queue has stopped and the running jobs are over, in
   * reverse registration order. The plugin object may be used again afterwards (a plugin reopens
   * lazily what it needs); `close` must be safe to call on a plugin that never opened anything.
   */
  close?: () => Promise<void>;
  /**
   * Called when the core refuses a request under `prefix` before the plugin's routes see it: bad
   * credentials (UNAUTHENTICATED), an unparsable body. It runs before the error is answered (in
   * the plugin's `errors`) and may set headers on `res` (e.g. a rate limit's, which a protocol
   * sends on every answer), or throw another error to answer instead (e.g. a 429 once a client
   * has been refused too often). Errors raised by the plugin's own routes do not come here.
   */
  refused?: (error: AppError, req: Request, res: Response) => Promise<void>;
}

/** Services the core lends to a plugin's routes. Filled in by the router. */
export interface PluginHost {
  db: Database;
  log: Logger;
  /** Where uploads' bytes live (ranged reads for processors and data endpoints). */
  storage: StorageDriver;
  /** Takes in files as uploads and reports their jobs. */
  uploads: UploadIngest;
  /** The limits the pipeline enforces on uploads (each type's own size limit: `uploads.maxSize(type)`). */
  limits: UploadLimits;
  /** Every registered asset type, by key. */
  types: ReadonlyMap<string, AssetTypeDefinition>;
  /** Upload requests: bytes PUT to a signed, expiring URL, then completed into an upload. */
  signedUploads: SignedUploads;
  /** The pipeline's jobs: enqueue the plugins' own kinds, read any job. */
  jobs: PluginJobs;
  /**
   * The OpenAPI 3.1 document of this plugin's profile (every route under its
   * `prefix`), as `<prefix>/openapi.json` serves it, for the request's host.
   */
  openApiDocument(req: Request): Record<string, unknown>;
}

/** The core's signed-URL upload mechanism, lent to profiles that speak a three-step upload (DatoCMS's). */
export interface SignedUploads {
  /** Records an upload request of the caller and returns it with the absolute URL that takes its bytes (one PUT, no credentials). */
  request(ctx: ServiceContext, filename: string | undefined, req: Request): Promise<{ upload: Upload; url: string }>;
  /** Completes the caller's request `path` (`/<uuid>/<filename>`) whose bytes arrived: an upload with a queued job. */
  complete(ctx: ServiceContext, path: string, metadata: Readonly<Record<string, unknown>>, target?: UploadRequestTarget): Promise<IngestResult>;
}

/** Identity helper for type checking: `export default definePlugin({ ... })`. */
export function definePlugin<T extends AssetPlugin>(plugin: T): T {
  return plugin;
}
