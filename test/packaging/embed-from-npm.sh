#!/usr/bin/env bash
# Embedding from npm as a host would: pack @assets/core, @assets/drf, @assets/geotiff, @assets/raster-source,
# @assets/dataset, @assets/apidatatools, @assets/image-asset, @assets/studio and @assets/server (their prepack builds them), install the tarballs into an
# empty project outside the repository (offline, from npm's cache, which the
# repository's own install filled), compose the host's Prisma client with the
# installed assets-schema (core + raster-source; the packed core's own client
# knows the core's models only, and none of the repository's test fixture),
# then run host-app.mjs (migrate, serve, a first request) and the installed
# `assets` command (`assets schema` composes the server's plugins).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$repo"
for ws in packages/core packages/drf packages/geotiff plugins/raster-source plugins/dataset plugins/apidatatools plugins/image-asset packages/studio packages/server; do
  npm pack --loglevel=error --workspace "$ws" --pack-destination "$work" >/dev/null
done

mkdir "$work/host" && cd "$work/host"
# The host's lockfile is the repository's, less its dev tools and workspaces,
# with the packages coming from the tarballs: npm installs the same versions
# from npm's cache without asking the registry (--offline). As in .ci/run,
# `npm install` follows when `npm ci` finds other platforms' optional
# binaries missing from the lock.
node "$repo/test/packaging/host-lockfile.mjs" "$repo/package-lock.json" "$work"
npm ci --offline --no-audit --no-fund --loglevel=error 2>/dev/null || npm install --offline --no-audit --no-fund --loglevel=error

# The packed core: a client of the core's models, no fixture model anywhere in it.
if grep -rqE "model Note |NoteDelegate|notes-plugin" node_modules/@assets/core; then echo "the packed @assets/core carries the test fixture's Note model"; exit 1; fi
node --input-type=module -e '
  import { PluginRegistry } from "@assets/core";
  import { rasterSourcePlugin } from "@assets/raster-source";
  try { new PluginRegistry([rasterSourcePlugin()]); } catch (e) { if (e.code === "PLUGIN_MODELS_NOT_IN_CLIENT") process.exit(0); throw e; }
  throw new Error("raster-source registered against the core-only client");
' && echo "packed core: core-only client, a plugin with models refused until composed: ok"
npx --no-install assets-schema @assets/raster-source
cp "$repo/test/packaging/host-app.mjs" .
node host-app.mjs
npx --no-install assets --help | grep -q "usage: assets" && echo "installed assets --help: ok"
npx --no-install assets schema 2>/dev/null
node -e '
  const map = require("./node_modules/.prisma/client/assets-model-map.json");
  for (const model of ["Resource", "RasterSource", "Dataset", "ImageAsset"]) if (!map[model]) throw new Error(`assets schema left out ${model}`);
  if (map.Note) throw new Error("assets schema composed the fixture");
' && echo "installed assets schema (core + the server plugins' models): ok"
DATA_DIR=./.data-cli npx --no-install assets migrate 2>/dev/null && echo "installed assets migrate: ok"
