// A host application that installed the packages from npm, written as the
// README's "Mount it in your own Express app" shows. Run by embed-from-npm.sh
// in a project outside the repository: it migrates, serves, makes a first
// request as a host user (provisioned on first sight) and exits non-zero on
// any surprise.
import express from "express";
import { createAssetRouter, createPipeline, openDatabase, migrate, defaultMigrationsDir, issueApiKey, LocalDiskStorage } from "@assets/core";
import { apidatatoolsPlugin } from "@assets/apidatatools";
import { rasterSourcePlugin } from "@assets/raster-source";

const db = await openDatabase(process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dataDir: "./.data/db" });
const plugins = [rasterSourcePlugin(), apidatatoolsPlugin()];
const applied = await migrate(db, defaultMigrationsDir, plugins);

const pipeline = createPipeline({
  db,
  storage: new LocalDiskStorage({ root: "./.data/files" }),
  plugins,
  redisUrl: process.env.REDIS_URL,
});
if (!process.env.REDIS_URL) await pipeline.startWorker();

const app = express();
// The host's session middleware: here the signed-in user comes from a header.
app.use((req, _res, next) => {
  const name = req.get("x-demo-user");
  req.user = name ? { name, email: `${name}@example.org` } : undefined;
  next();
});
app.use("/cms", createAssetRouter({
  pipeline,
  authenticate: (req) => (req.user ? { username: req.user.name, email: req.user.email, provision: true } : null),
}));

const server = app.listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
const base = `http://127.0.0.1:${server.address().port}/cms`;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

try {
  // The client assets-schema generated for this host: the core's models and raster-source's, not the repository's fixture.
  check((await db.prisma.rasterSource.count()) === 0, "the host's client has no RasterSource model");
  check(db.prisma.note === undefined, "the host's client has the repository's test fixture model Note");
  check(applied.length > 0, "migrate() applied nothing on a new database: the package ships no migrations");
  check(applied.some((name) => name.startsWith("raster-source/")), `the raster-source package shipped no migrations: ${applied.join(", ")}`);
  const created = await fetch(`${base}/resources`, {
    method: "POST",
    headers: { "content-type": "application/vnd.api+json", "x-demo-user": "ada" },
    body: JSON.stringify({ data: { type: "resource", attributes: { name: "First map", access_modifier: "Public" } } }),
  });
  const body = await created.json();
  check(created.status === 201, `POST /resources: ${created.status} ${JSON.stringify(body)}`);
  const listed = await fetch(`${base}/resources?filter[fields][name][contains]=first`);
  const list = await listed.json();
  check(listed.status === 200 && list.data.length === 1 && list.data[0].attributes.name === "First map", `GET /resources: ${JSON.stringify(list)}`);
  const rasters = await fetch(`${base}/api/v4/rastersources/`);
  check(rasters.status === 200, `GET /api/v4/rastersources/: ${rasters.status}`);
  // The apidatatools profile plugin: the provisioned user's key lists their (no) uploads in its shape.
  const ada = await db.prisma.user.findUniqueOrThrow({ where: { username: "ada" } });
  const { secret } = await issueApiKey(db.prisma, ada.id);
  const uploads = await fetch(`${base}/list-uploads-api`, { headers: { "x-api-key": secret } });
  const uploadList = await uploads.json();
  check(uploads.status === 200 && Array.isArray(uploadList.uploads), `GET /list-uploads-api: ${uploads.status} ${JSON.stringify(uploadList)}`);
  const refused = await fetch(`${base}/list-uploads-api`);
  check(refused.status === 401 && (await refused.json()).error === "Unauthorized", `GET /list-uploads-api without a key: ${refused.status}`);
  process.stdout.write(`host app: ${applied.length} migrations applied; created resource ${body.data.id} as a provisioned host user; listed it; apidatatools listed its uploads\n`);
} finally {
  server.close();
  await pipeline.close();
  await db.close();
}
