import { resolve } from "node:path";
import { z } from "zod";

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("127.0.0.1"),
  DATA_DIR: z.string().default("./.data"),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

/** Server configuration, from the environment (see the README). */
export interface ServerConfig {
  port: number;
  host: string;
  /** Embedded data: PGlite in `<dataDir>/db`, files in `<dataDir>/files`. */
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  logLevel: string;
}

/** Reads and validates the configuration; a bad value stops the server with a clear message. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid configuration: ${issue.path.join(".")}: ${issue.message}`);
  }
  const c = parsed.data;
  return { port: c.PORT, host: c.HOST, dataDir: resolve(c.DATA_DIR), databaseUrl: c.DATABASE_URL, redisUrl: c.REDIS_URL, logLevel: c.LOG_LEVEL };
}
