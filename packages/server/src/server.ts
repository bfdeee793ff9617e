import type { Server } from "node:http";
import { join } from "node:path";
import express from "express";
import { pino, type Logger } from "pino";
import { studioRouter } from "@assets/studio";
import { createAssetRouter, errorHandler, Errors, type Database, type Pipeline } from "@assets/core";
import type { ServerConfig } from "./config.js";
import { openServerDatabase } from "./database.js";
import { openPipeline } from "./pipeline.js";

/** A running server and what it owns. */
export interface RunningServer {
  server: Server;
  db: Database;
  pipeline: Pipeline;
  url: string;
  close(): Promise<void>;
}

/** The standalone app: the studio at `/studio`, the asset router at `/`, and JSON:API 404s for everything else. */
export function buildApp(pipeline: Pipeline, log: Logger, options: { signingSecret?: string; tusDirectory?: string; signal?: AbortSignal } = {}): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use("/studio", studioRouter());
  app.use("/", createAssetRouter({ pipeline, logger: log, signingSecret: options.signingSecret, tusDirectory: options.tusDirectory, signal: options.signal }));
  app.use((req) => {
    throw Errors.NOT_FOUND({ detail: `No route for ${req.method} ${req.path}` });
  });
  app.use(errorHandler(log));
  return app;
}

/**
 * Opens the database, applies migrations, starts the pipeline and listens.
 * Without REDIS_URL jobs run in this process; with it, `assets worker`
 * processes run them. The sweeper (recovery, expiry) runs here either way.
 */
export async function startServer(config: ServerConfig, log: Logger = pino({ level: config.logLevel })): Promise<RunningServer> {
  const db = await openServerDatabase(config, log);
  const pipeline = openPipeline(config, db, log);
  if (!config.redisUrl) await pipeline.startWorker(config.workerConcurrency);
  pipeline.startSweeper();
  const stopping = new AbortController();
  const app = buildApp(pipeline, log, { signingSecret: config.uploadUrlSecret, tusDirectory: join(config.dataDir, "tus"), signal: stopping.signal });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  return {
    server,
    db,
    pipeline,
    url: `http://${config.host}:${port}`,
    async close() {
      stopping.abort();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pipeline.close();
      await db.close();
    },
  };
}
