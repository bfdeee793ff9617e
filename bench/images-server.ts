// The server bench/images.ts measures: the asset router with the image-asset plugin over an
// embedded PGlite and local files in DATA_DIR, jobs in process (2 at once, as `assets serve`),
// listening on PORT. Prints one JSON line {"url", "key", "pid"} once it is up.
// Run: DATA_DIR=/tmp/x PORT=8057 node --import tsx bench/images-server.ts
import path from "node:path";
import express from "express";
import { pino } from "pino";
import { LocalDiskStorage, createAssetRouter, createPipeline, defaultMigrationsDir, issueApiKey, migrate, openDatabase } from "@assets/core";
import { imageAssetPlugin } from "../plugins/image-asset/src/index.js";

const dataDir = process.env.DATA_DIR ?? "./.bench-images";
const port = Number(process.env.PORT ?? 8057);
const log = pino({ level: process.env.LOG_LEVEL ?? "warn" });
const plugins = [imageAssetPlugin()];
const db = await openDatabase({ dataDir: path.join(dataDir, "db") });
await migrate(db, defaultMigrationsDir, plugins);
const pipeline = createPipeline({ db, storage: new LocalDiskStorage({ root: path.join(dataDir, "files") }), plugins, log });
await pipeline.startWorker(2);
pipeline.startSweeper();
const user = await db.prisma.user.create({ data: { username: "bench", is_superuser: true } });
const key = await issueApiKey(db.prisma, user.id);
const app = express();
app.use("/", createAssetRouter({ pipeline, logger: log }));
app.listen(port, "127.0.0.1", () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, key: key.secret, pid: process.pid })}\n`);
});
// A normal exit on SIGTERM (bench/images.ts stops us so), so `--cpu-prof` writes its profile.
process.once("SIGTERM", () => process.exit(0));
