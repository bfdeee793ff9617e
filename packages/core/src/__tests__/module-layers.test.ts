import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Imports run one way: lower modules never import the HTTP kit, the modules
 * that own routes or the composition root (`asset-router.ts`), and the HTTP
 * kit imports nothing above it. See docs/architecture.md.
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Modules below the HTTP kit: no HTTP, no routes. */
const LOWER = ["errors", "db", "query", "access", "auth", "storage", "jobs", "services", "testing"];
/** The HTTP kit: request context, JSON bodies and JSON:API documents, errors to HTTP, the collection router. */
const KIT = ["http/request-context.ts", "http/json-body.ts", "http/jsonapi.ts", "http/error-handler.ts", "http/send-json.ts", "http/logging.ts", "http/collection-router.ts", "http/route.ts", "http/openapi.ts", "http/jsonapi-parameters.ts", "http/jsonapi-schemas.ts", "http/reference-routes.ts"];
const ROOT = "asset-router.ts";
/** The plugin contract (`definePlugin`, the registry): what a module may know of plugins. */
const CONTRACT = "plugins";
/** Vertical modules that own routes and may use the kit, but not each other's routes or the root. */
const VERTICALS = ["uploads"];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "__tests__" || name === "generated" ? [] : sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** Every relative import of a file, as a path below src/ (`query/types.ts`). */
function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)].map(([, spec]) => relative(SRC, resolve(dirname(file), spec!)).replace(/\.js$/, ".ts"));
}

const files = sources(SRC).map((path) => ({ file: relative(SRC, path), imports: imports(path) }));
const moduleOf = (path: string) => (path.includes("/") ? path.slice(0, path.indexOf("/")) : path);

describe("module layers", () => {
  it("has files to check", () => {
    expect(files.length).toBeGreaterThan(50);
    for (const kit of KIT) expect(files.map((f) => f.file)).toContain(kit);
  });

  it("imports the composition root only from the package index", () => {
    const importers = files.filter((f) => f.imports.includes(ROOT)).map((f) => f.file);
    expect(importers).toEqual(["index.ts"]);
  });

  it("keeps lower modules free of HTTP, routes and the composition root", () => {
    const upward = files
      .filter((f) => LOWER.includes(moduleOf(f.file)))
      .flatMap((f) => f.imports.filter((target) => !LOWER.includes(moduleOf(target)) && !target.startsWith("generated/")).map((target) => `${f.file} -> ${target}`));
    expect(upward).toEqual([]);
  });

  it("keeps the HTTP kit below the modules that own routes", () => {
    const upward = files
      .filter((f) => KIT.includes(f.file))
      .flatMap((f) => f.imports.filter((target) => !KIT.includes(target) && !LOWER.includes(moduleOf(target)) && !target.startsWith("generated/")).map((target) => `${f.file} -> ${target}`));
    expect(upward).toEqual([]);
  });

  it("keeps each vertical module on the kit: lower modules, the HTTP kit, the plugin contract and itself", () => {
    const verticalFiles = files.filter((f) => VERTICALS.includes(moduleOf(f.file)));
    // The upload protocol routes live in uploads/, so this rule sees them.
    for (const route of ["uploads/protocols/upload-write-routes.ts", "uploads/protocols/tus-routes.ts", "uploads/protocols/multipart-upload.ts", "uploads/upload-routes.ts", "uploads/job-routes.ts"]) {
      expect(verticalFiles.map((f) => f.file)).toContain(route);
    }
    const outside = verticalFiles.flatMap((f) =>
      f.imports
        .filter((target) => {
          const module = moduleOf(target);
          return module !== moduleOf(f.file) && !LOWER.includes(module) && !KIT.includes(target) && module !== CONTRACT && !target.startsWith("generated/");
        })
        .map((target) => `${f.file} -> ${target}`),
    );
    expect(outside).toEqual([]);
  });
});
