import { resolve } from "node:path";
import { z } from "zod";

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("127.0.0.1"),
  DATA_DIR: z.string().default("./.data"),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  S3_BUCKET: z.string().min(1).optional(),
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default("us-east-1"),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_PREFIX: z.string().default(""),
  MAX_UPLOAD_SIZE: z.coerce.number().int().positive().optional(),
  MAX_PARALLEL_UPLOADS: z.coerce.number().int().positive().optional(),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(2),
  UPLOAD_URL_SECRET: z.string().min(16).optional(),
});

/** S3-compatible storage settings; absent means local disk in DATA_DIR/files. */
export interface S3Config {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  prefix: string;
}

/** Server configuration, from the environment (see the README). */
export interface ServerConfig {
  port: number;
  host: string;
  /** Embedded data: PGlite in `<dataDir>/db`, files in `<dataDir>/files`. */
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  logLevel: string;
  s3?: S3Config;
  maxUploadSize?: number;
  maxParallelUploads?: number;
  workerConcurrency: number;
  /** HMAC secret for signed upload URLs; unset: random per process (single-process only). */
  uploadUrlSecret?: string;
}

/** Reads and validates the configuration; a bad value stops the server with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid configuration: ${issue.path.join(".")}: ${issue.message}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    dataDir: resolve(c.DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    redisUrl: c.REDIS_URL,
    logLevel: c.LOG_LEVEL,
    s3: c.S3_BUCKET
      ? { bucket: c.S3_BUCKET, endpoint: c.S3_ENDPOINT, region: c.S3_REGION, accessKeyId: c.S3_ACCESS_KEY_ID, secretAccessKey: c.S3_SECRET_ACCESS_KEY, prefix: c.S3_PREFIX }
      : undefined,
    maxUploadSize: c.MAX_UPLOAD_SIZE,
    maxParallelUploads: c.MAX_PARALLEL_UPLOADS,
    workerConcurrency: c.WORKER_CONCURRENCY,
    uploadUrlSecret: c.UPLOAD_URL_SECRET,
  };
}
