import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The engine is a library of its own: it imports only Node built-ins, its own files and the
 * packages it declares, and none of those is part of the framework (no @assets/*, no HTTP
 * server, no ORM), so anything that reads GeoTIFFs can use it without the asset server.
 */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const manifest = JSON.parse(readFileSync(join(SRC, "../package.json"), "utf8")) as { dependencies?: Record<string, string> };
const declared = Object.keys(manifest.dependencies ?? {});
const FRAMEWORK = /^(@assets\/|express$|@prisma\/|prisma$|pino$|zod$)/;

const sources = readdirSync(SRC).filter((f) => f.endsWith(".ts"));
const specifiers = sources.flatMap((file) =>
  [...readFileSync(join(SRC, file), "utf8").matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map(([, spec]) => ({ file, spec: spec! })),
);
const packageOf = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
const builtin = (spec: string) => spec.startsWith("node:") || builtinModules.includes(spec);

test("has sources to check", () => {
  expect(sources.length).toBeGreaterThan(10);
  expect(specifiers.some((s) => s.spec === "geotiff")).toBe(true);
});

test("declares no framework package", () => {
  expect(declared.filter((name) => FRAMEWORK.test(name))).toEqual([]);
});

test("imports only its own files, Node built-ins and declared packages", () => {
  const undeclared = specifiers
    .filter(({ spec }) => !spec.startsWith("./") && !builtin(spec) && !declared.includes(packageOf(spec)))
    .map(({ file, spec }) => `${file} -> ${spec}`);
  expect(undeclared).toEqual([]);
  expect(specifiers.filter(({ spec }) => spec.startsWith("../")).map(({ file, spec }) => `${file} -> ${spec}`)).toEqual([]);
});
