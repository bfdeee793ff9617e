import type { Server } from "node:http";
import express from "express";
import { pino, type Logger } from "pino";
import { createAssetRouter, Errors, renderJsonApiError, type Database } from "@assets/core";
import type { ServerConfig } from "./config.js";
import { openServerDatabase } from "./database.js";
import { serverPlugins } from "./plugins.js";

/** A running server and what it owns. */
export interface RunningServer {
  server: Server;
  db: Database;
  url: string;
  close(): Promise<void>;
}

/** The standalone app: the asset router at `/`, and JSON:API 404s for everything else. */
export function buildApp(db: Database, log: Logger): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.use("/", createAssetRouter({ db, plugins: serverPlugins(), logger: log }));
  app.use((req, res) => {
    res.status(404).json(renderJsonApiError(Errors.NOT_FOUND({ detail: `No route for ${req.method} ${req.path}` }), req));
  });
  return app;
}

/** Opens the database, applies migrations and listens. */
export async function startServer(config: ServerConfig, log: Logger = pino({ level: config.logLevel })): Promise<RunningServer> {
  const db = await openServerDatabase(config, log);
  const app = buildApp(db, log);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  return {
    server,
    db,
    url: `http://${config.host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}
