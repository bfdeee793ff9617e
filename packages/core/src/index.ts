export * from "./errors/index.js";
export * from "./query/index.js";
export { Sql, sql } from "./query/sql/sql-text.js";
export { whereSql } from "./query/sql/where-sql.js";
export * from "./auth/index.js";
export * from "./access/index.js";
export { openDatabase, type Database, type Db, type DatabaseTarget, type OpenDatabaseOptions } from "./db/open-database.js";
export { migrate, type MigratingPlugin } from "./db/migrate.js";
export { defaultMigrationsDir } from "./db/paths.js";
export { createTestDatabase, type TestDatabaseOptions } from "./testing/test-database.js";
export type { ServiceContext } from "./services/service-context.js";
export { userServiceContext } from "./services/user-context.js";
export * from "./plugins/types.js";
export { PluginRegistry } from "./plugins/registry.js";
export * from "./resources/resource-fields.js";
export * from "./access/access-modifiers.js";
export { RESOURCE_RELATIONS, ResourceService, type ResourceRecord, type ResourcePage } from "./resources/resource-service.js";
export { serializeResource } from "./resources/resource-serializer.js";
export { resourcesUsing, type OutgoingReference } from "./resources/stored-references.js";
export { UPLOAD_FIELDS, UPLOAD_STATES } from "./uploads/upload-fields.js";
export { UploadService } from "./uploads/upload-service.js";
export { createAssetRouter, type AssetRouterOptions } from "./asset-router.js";
export { errorAnswer, errorHandler, jsonApiErrorDocument, JSONAPI_ERROR_PROFILE, withErrorProfile, type ErrorAnswer, type ErrorProfile, type RenderedError, type InvalidInput, type InputIssue } from "./http/error-handler.js";
export { findServiceContext, serviceContext, searchParams, baseUrl, requestUrl } from "./http/request-context.js";
export { sendJson } from "./http/send-json.js";
export { parseJsonApiBody } from "./http/jsonapi.js";
export {
  route,
  schemaComponent,
  declarationOf,
  errorResponses,
  type RouteDeclaration,
  type RouteMethod,
  type RouteInput,
  type ResponseSpec,
  type ParameterSpec,
  type BodySpec,
  type SchemaSource,
} from "./http/route.js";
export { openApiDocument, mountedRoutes, openApiPath, type OpenApiInfo, type MountedRoute } from "./http/openapi.js";
export { jsonApiListParameters } from "./http/jsonapi-parameters.js";
export { PERM_SPEC, EXTENDED_PERM_SPEC, COMPACT_PERM_SPEC } from "./permissions/perm-spec-schema.js";
export { JSONAPI_RESOURCE, JSONAPI_ITEM, JSONAPI_LIST, JSONAPI_ERRORS, jsonApiWriteDocument, jsonApiErrors } from "./http/jsonapi-schemas.js";
export type { QueueHealth } from "./jobs/job-queue.js";
export { PrismaClient, Prisma } from "./generated/prisma/client.js";
export type * from "./generated/prisma/client.js";
export * from "./permissions/index.js";
export * from "./management/index.js";
export * from "./storage/index.js";
export { UnrecoverableError, type Processor, type ProcessorContext, type StoredFile, type CommitHook, type CommitContext } from "./uploads/processing/processor.js";
export type { IngestRequest, IngestResult, UploadIngest } from "./uploads/ingest-types.js";
export { createPipeline, type Pipeline, type PipelineOptions } from "./uploads/create-pipeline.js";
export { IngestService, type StoreRequest, type RegisterRequest } from "./uploads/ingest-service.js";
export { ObjectStore, objectKey, derivativesPrefix, type StagedBytes, type AbandonedStaging } from "./uploads/object-store.js";
export { UploadRunner, exponentialBackoff, type RetryPolicy } from "./uploads/processing/upload-runner.js";
export { JobRunner, type JobRunnerOptions } from "./uploads/processing/job-runner.js";
export type { EnqueueJob, JobKind, JobRunContext, PluginJobs } from "./uploads/processing/job-kind.js";
export { Sweeper, DEFAULT_STAGING_GRACE_MS, type SweepReport, type SweeperOptions } from "./uploads/processing/sweeper.js";
export { UPLOAD_TRANSITIONS, PROCESS_UPLOAD, IllegalTransitionError, transitionUpload } from "./uploads/upload-states.js";
export { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from "./uploads/upload-limits.js";
export { sanitizeFilename } from "./uploads/filenames.js";
export { declaredMimeType, mimeTypeProblem } from "./uploads/declared-mime-type.js";
export type { JobQueue, JobHandler } from "./jobs/job-queue.js";
export { InProcessQueue } from "./jobs/in-process-queue.js";
export { BullMqQueue, type BullMqQueueOptions } from "./jobs/bullmq-queue.js";
export { serializeJob } from "./uploads/job-routes.js";
export { idempotency, DEFAULT_IDEMPOTENCY_LEASE_MS, type IdempotencyOptions } from "./uploads/protocols/idempotency.js";
export { expectedChecksums } from "./uploads/protocols/checksum-headers.js";
export { isUniqueViolation } from "./db/errors.js";
export { UrlSigner, urlSignerFor, type SignedParams } from "./uploads/protocols/signed-url.js";
export { UploadRequestService, uploadRequestPath, type UploadRequestMetadata, type UploadRequestBytes, type UploadRequestTarget } from "./uploads/upload-request-service.js";
export { TUS_ERRORS, tusRoutes, type TusRoutesOptions } from "./uploads/protocols/tus-routes.js";
export { TusUploadService, type TusUploadServiceOptions, type TusFinished } from "./uploads/protocols/tus-upload-service.js";
export { ChecksummedFileStore, parseUploadChecksum, TUS_CHECKSUM_ALGORITHMS, type ChunkChecksum, type TusChecksumAlgorithm } from "./uploads/protocols/checksummed-file-store.js";
export { parseTusCreation, metadataChecksums, type TusCreation, type TusMetadata } from "./uploads/protocols/tus-metadata.js";
