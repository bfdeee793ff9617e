import { join } from "node:path";
import { LocalDiskStorage, S3Storage, createPipeline, type Database, type Pipeline, type StorageDriver } from "@assets/core";
import type { Logger } from "pino";
import type { ServerConfig } from "./config.js";
import { serverPlugins } from "./plugins.js";

/** Local disk in DATA_DIR/files, or the S3 bucket the configuration names. */
export function openStorage(config: ServerConfig): StorageDriver {
  if (!config.s3) return new LocalDiskStorage({ root: join(config.dataDir, "files") });
  const { bucket, endpoint, region, accessKeyId, secretAccessKey, prefix } = config.s3;
  return new S3Storage({
    bucket,
    endpoint,
    region,
    prefix,
    forcePathStyle: Boolean(endpoint),
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
  });
}

/** The pipeline of a server or worker process: BullMQ when REDIS_URL is set, else in-process. */
export function openPipeline(config: ServerConfig, db: Database, log: Logger): Pipeline {
  return createPipeline({
    db,
    storage: openStorage(config),
    plugins: serverPlugins(),
    redisUrl: config.redisUrl,
    log,
    limits: {
      ...(config.maxUploadSize ? { maxUploadSize: config.maxUploadSize } : {}),
      ...(config.maxParallelUploads ? { maxParallelUploads: config.maxParallelUploads } : {}),
    },
  });
}
