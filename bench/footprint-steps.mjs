// Where the server's resident memory goes: RSS after each step of what
// `assets serve` does, in one plain Node process on the built packages (no
// tsx), with a GC before each reading. Run by bench/footprint.ts:
//   node --expose-gc bench/footprint-steps.mjs [postgresql-url]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const url = process.argv[2];
const steps = [];
let last = 0;
function step(name) {
  globalThis.gc?.();
  const rss = process.memoryUsage().rss;
  const { heapUsed, external, arrayBuffers } = process.memoryUsage();
  steps.push({ name, rssMiB: +(rss / 2 ** 20).toFixed(1), deltaMiB: +((rss - last) / 2 ** 20).toFixed(1), heapMiB: +(heapUsed / 2 ** 20).toFixed(1), externalMiB: +((external + arrayBuffers) / 2 ** 20).toFixed(1) });
  last = rss;
}

step("node itself");
const express = (await import("express")).default;
const { pino } = await import("pino");
const log = pino({ level: "silent" });
step("express + pino");
const core = await import("@assets/core");
step("@assets/core (Prisma client runtime, generated client, CASL, tus; the AWS SDK and BullMQ only when used, since issue 15.3)");
const dir = mkdtempSync(join(tmpdir(), "footprint-"));
const db = await core.openDatabase(url ? { url } : { dataDir: join(dir, "db") });
step(url ? "PostgreSQL pool (no connection yet)" : "PGlite open (WASM PostgreSQL on a fresh data dir: initdb, or the build's template since issue 15.3)");
await db.prisma.$queryRawUnsafe("SELECT 1");
step("first Prisma query (query compiler WASM loaded)");
const { rasterSourcePlugin } = await import("@assets/raster-source");
const plugins = [rasterSourcePlugin()];
step("@assets/raster-source (geotiff, proj4)");
await core.migrate(db, core.defaultMigrationsDir, plugins);
step("migrations applied");
const pipeline = core.createPipeline({ db, storage: new core.LocalDiskStorage({ root: join(dir, "files") }), plugins, log });
await pipeline.startWorker(2);
const app = express();
app.use(core.createAssetRouter({ pipeline, logger: log }));
const server = await new Promise((resolve) => {
  const s = app.listen(0, "127.0.0.1", () => resolve(s));
});
step("pipeline, router, listening");
const port = server.address().port;
for (let i = 0; i < 20; i++) await (await fetch(`http://127.0.0.1:${port}/resources?page[limit]=30`)).text();
step("after 20 list requests");
process.stdout.write(`${JSON.stringify(steps)}\n`);
server.close();
await pipeline.close();
await db.close();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
