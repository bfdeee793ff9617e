#!/usr/bin/env node
// `npm start`: runs the built server, building first only when a workspace's
// sources are newer than its build (dist/index.js), so a start after
// `npm install` (whose postinstall builds once) costs no compiler run.
//
//   node packages/server/bin/start.js [--build-only] [assets command...]   (default command: serve)
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Newest modification time of the files under `path` (0 when missing). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === "__tests__" || entry === "node_modules") continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

/** Workspaces whose build output is missing or older than their sources. */
function stale() {
  const found = [];
  for (const group of ["packages", "plugins"]) {
    for (const name of readdirSync(join(root, group))) {
      const dir = join(root, group, name);
      if (!existsSync(join(dir, "tsconfig.build.json"))) continue;
      const built = existsSync(join(dir, "dist", "index.js")) ? statSync(join(dir, "dist", "index.js")).mtimeMs : 0;
      // The studio also builds a browser app from app/ with vite.config.ts.
      const inputs = Math.max(newest(join(dir, "src")), newest(join(dir, "app")), newest(join(dir, "vite.config.ts")), newest(join(dir, "package.json")), ...readdirSync(dir).filter((f) => f.startsWith("tsconfig")).map((f) => newest(join(dir, f))));
      if (inputs > built) found.push(`${group}/${name}`);
    }
  }
  return found;
}

const args = process.argv.slice(2);
const buildOnly = args[0] === "--build-only";
const outdated = stale();
if (outdated.length > 0) {
  process.stderr.write(`building (${outdated.join(", ")} changed since the last build) ...\n`);
  const build = spawnSync("npx", ["turbo", "run", "build", "--output-logs=errors-only"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
if (!buildOnly) {
  process.argv = [process.argv[0], join(root, "packages/server/dist/cli.js"), ...(args.length ? args : ["serve"])];
  await import(new URL("../dist/cli.js", import.meta.url).href);
}
