#!/usr/bin/env node
// The `assets` command. npm links a package's bins when it installs it, before
// any build, and skips a bin whose file is missing; so the bin is this tracked
// launcher rather than dist/cli.js. It runs the built CLI, or, in a source
// checkout that has not been built, the TypeScript source through tsx.
import { existsSync } from "node:fs";
import { URL, fileURLToPath } from "node:url";

const built = new URL("../dist/cli.js", import.meta.url);
const source = new URL("../src/cli.ts", import.meta.url);
const checkoutTsconfig = new URL("../../../tsconfig.json", import.meta.url);

async function loadTsx() {
  try {
    return await import("tsx/esm/api");
  } catch {
    return null;
  }
}

if (existsSync(built)) {
  await import(built.href);
} else {
  const tsx = existsSync(source) && existsSync(checkoutTsconfig) ? await loadTsx() : null;
  if (!tsx) {
    process.stderr.write(
      `assets: ${fileURLToPath(built)} is missing. Build the server first (npm run build), ` +
        "or install tsx to run it from source.\n",
    );
    process.exit(1);
  }
  // The checkout's tsconfig maps @assets/* to the workspaces' sources, so nothing needs building.
  tsx.register({ tsconfig: fileURLToPath(checkoutTsconfig) });
  await import(source.href);
}
