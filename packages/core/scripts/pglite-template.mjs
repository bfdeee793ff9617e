// Builds dist/pglite-template-<PGlite version>.tgz: PGlite's dump of a freshly initialised data
// directory, from which openDatabase starts a new embedded database instead of running initdb in
// WebAssembly (src/db/pglite-template.ts). Run by the core's build; skipped when it exists.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Buffer } from "node:buffer";
import { PGlite } from "@electric-sql/pglite";

const coreDir = join(dirname(fileURLToPath(import.meta.url)), "..");
let dir = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
while (!existsSync(join(dir, "package.json")) || JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).name !== "@electric-sql/pglite") dir = dirname(dir);
const { version } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
const out = join(coreDir, "dist", `pglite-template-${version}.tgz`);
if (!existsSync(out)) {
  const started = Date.now();
  const db = await PGlite.create();
  const dump = Buffer.from(await (await db.dumpDataDir("gzip")).arrayBuffer());
  await db.close();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(`${out}.partial`, dump);
  renameSync(`${out}.partial`, out);
  process.stderr.write(`pglite-template: ${out} (${(dump.length / 2 ** 20).toFixed(1)} MiB) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
