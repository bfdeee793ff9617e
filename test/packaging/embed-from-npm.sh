#!/usr/bin/env bash
# Embedding from npm as a host would: pack @assets/core, @assets/drf, @assets/geotiff, @assets/raster-source,
# @assets/dataset, @assets/apidatatools, @assets/image-asset, @assets/studio and @assets/server (their prepack builds them), install the tarballs into an
# empty project outside the repository (offline, from npm's cache, which the
# repository's own install filled), then run host-app.mjs (migrate, serve, a
# first request) and the installed `assets` command.
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
cp "$repo/test/packaging/host-app.mjs" .
node host-app.mjs
npx --no-install assets --help | grep -q "usage: assets" && echo "installed assets --help: ok"
DATA_DIR=./.data-cli npx --no-install assets migrate 2>/dev/null && echo "installed assets migrate: ok"
