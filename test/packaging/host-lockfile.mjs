// Writes package.json and package-lock.json of a host project (in the current
// directory) that depends on the packed @assets/* tarballs in <tarball dir>:
// the repository's lockfile without dev-only packages (dev, or devOptional: only an optional
// peer such as @jest/globals of @assets/core/testing reaches them) and workspace links, so
// `npm ci --offline` installs exactly the locked runtime dependencies.
// usage: node host-lockfile.mjs <repo package-lock.json> <tarball dir>
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const [lockPath, tarballDir] = process.argv.slice(2);
const repoLock = JSON.parse(readFileSync(lockPath, "utf8"));
// The same overrides as the repository (one @prisma/driver-adapter-utils for both adapters; see the README).
const { overrides } = JSON.parse(readFileSync(join(lockPath, "../package.json"), "utf8"));
const workspaceDirs = { "@assets/core": "packages/core", "@assets/drf": "packages/drf", "@assets/geotiff": "packages/geotiff", "@assets/raster-source": "plugins/raster-source", "@assets/dataset": "plugins/dataset", "@assets/apidatatools": "plugins/apidatatools", "@assets/image-asset": "plugins/image-asset", "@assets/studio": "packages/studio", "@assets/server": "packages/server" };

const dependencies = {};
const packages = {};
for (const [key, entry] of Object.entries(repoLock.packages)) {
  if (!key.startsWith("node_modules/") || entry.dev || entry.devOptional || entry.link) continue;
  packages[key] = entry;
}
for (const [name, dir] of Object.entries(workspaceDirs)) {
  const workspace = repoLock.packages[dir];
  const tarball = readdirSync(tarballDir).find((file) => file === `${name.slice(1).replace("/", "-")}-${workspace.version}.tgz`);
  if (!tarball) throw new Error(`no tarball for ${name} in ${tarballDir}`);
  const spec = `file:${relative(process.cwd(), join(tarballDir, tarball))}`;
  dependencies[name] = spec;
  const { devDependencies: _dev, ...entry } = workspace;
  packages[`node_modules/${name}`] = { ...entry, resolved: spec };
}
dependencies.express = repoLock.packages["packages/core"].dependencies.express;

const manifest = { name: "host", version: "0.0.0", private: true, type: "module", dependencies, overrides };
writeFileSync("package.json", `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(
  "package-lock.json",
  `${JSON.stringify({ name: "host", version: "0.0.0", lockfileVersion: 3, requires: true, packages: { "": { name: "host", version: "0.0.0", dependencies }, ...packages } }, null, 2)}\n`,
);
