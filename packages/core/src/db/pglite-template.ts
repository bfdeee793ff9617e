import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

/**
 * A fresh PGlite runs initdb in WebAssembly: 15-20 s and, since Wasm memory never shrinks, about
 * 160 MiB of RSS kept for the process's life. The core's build runs it once and keeps the result
 * (PGlite's own dump of the new data directory, a gzipped tar) in dist; a fresh database starts from
 * that instead. Named after PGlite's version, so another PGlite never reads it (it then runs initdb).
 */
export function pgliteTemplatePath(): string {
  return fileURLToPath(new URL(`../../dist/pglite-template-${pgliteVersion()}.tgz`, import.meta.url));
}

let version: string | undefined;

/** The installed PGlite's version (its package.json is not exported, so found beside its entry point). */
export function pgliteVersion(): string {
  if (version) return version;
  for (let dir = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite")); dirname(dir) !== dir; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (!existsSync(manifest)) continue;
    const parsed: unknown = JSON.parse(readFileSync(manifest, "utf8"));
    if (typeof parsed === "object" && parsed !== null && "name" in parsed && parsed.name === "@electric-sql/pglite" && "version" in parsed && typeof parsed.version === "string") {
      version = parsed.version;
      return version;
    }
  }
  throw new Error("@electric-sql/pglite's package.json was not found");
}

/** The template as PGlite's `loadDataDir` takes it (an in-memory database), or undefined when none was built. */
export function pgliteTemplateBlob(): Blob | undefined {
  const path = pgliteTemplatePath();
  return existsSync(path) ? new Blob([readFileSync(path)]) : undefined;
}

const isFresh = (dataDir: string) => !existsSync(dataDir) || readdirSync(dataDir).length === 0;

/**
 * Writes the template into `dataDir` when that is new or empty and a template was built (true then).
 * Unpacked here, in JavaScript, rather than through PGlite's `loadDataDir`, which copies it through
 * the Wasm memory. Written beside it and renamed into place, so a crash leaves no half data dir.
 */
export function seedDataDir(dataDir: string): boolean {
  const path = pgliteTemplatePath();
  if (!isFresh(dataDir) || !existsSync(path)) return false;
  const tar = gunzipSync(readFileSync(path));
  const staging = `${resolve(dataDir)}.seeding-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true, mode: 0o700 });
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString("utf8").replace(/\0.*$/s, "");
    const name = `${field(345, 155)}${field(0, 100)}`.replace(/^\/+/, "");
    const size = parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1);
    const target = join(staging, name);
    if (!target.startsWith(`${staging}/`) && target !== staging) throw new Error(`PGlite template: entry outside the data dir: ${name}`);
    if (type === "5") mkdirSync(target, { recursive: true, mode: 0o700 });
    else if (type === "0" || type === "") {
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      writeFileSync(target, tar.subarray(at + 512, at + 512 + size), { mode: 0o600 });
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  if (!existsSync(join(staging, "PG_VERSION"))) throw new Error(`PGlite template ${path} holds no data directory`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dirname(resolve(dataDir)), { recursive: true });
  renameSync(staging, dataDir);
  return true;
}
