#!/usr/bin/env node
// assets-schema: composes the Prisma schema of the core and of the plugins a
// host uses, then generates the one Prisma client they share.
//
//   assets-schema [--no-generate] [--out <dir>] <plugin>...
//
// A plugin is a directory or the name of an installed package. Where this
// package is installed (node_modules/@assets/core), the schema is composed into
// node_modules/.assets/schema and the client is generated as JavaScript into
// Prisma's default place, node_modules/.prisma/client, with the model map the
// core's SQL list path reads (assets-model-map.json) beside it; openDatabase()
// finds it there. It needs the Prisma CLI (`prisma`, a peer dependency). In
// this repository (a checkout) the client is the TypeScript one the core's
// build compiles, packages/core/src/generated/prisma.
//
// A plugin directory holds its models in prisma/schema/*.prisma and its SQL
// migrations in prisma/migrations/ (applied by migrate(), see docs/plugins.md).
// Its models relate to the core's (`resource Resource @relation(...)`); the
// back-relation Prisma needs on the core model is written here, in the
// composed copy, so no core file names a plugin's model: a 1:1 relation (its
// foreign key is @unique) becomes `<snake_case model> Model?` on the core model
// (the name an asset type gives as `relation`), any other `<snake_case model>_list Model[]`.
// Plain JavaScript with no dependencies: it runs on install, before any build.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const coreDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The node_modules folder this package is installed in, or null in a checkout. */
const installedIn = basename(dirname(coreDir)) === "@assets" && basename(dirname(dirname(coreDir))) === "node_modules" ? dirname(dirname(coreDir)) : null;
/** Written beside a host's client; openDatabase() (src/db/prisma-client.ts) looks for it. */
const MODEL_MAP_FILE = "assets-model-map.json";

/** The models of a schema text: name -> { start, end } offsets of the block's body. */
function models(text) {
  const found = new Map();
  for (const match of text.matchAll(/^model\s+(\w+)\s*\{/gm)) {
    const start = match.index + match[0].length;
    const end = text.indexOf("\n}", start);
    found.set(match[1], { body: text.slice(start, end), end });
  }
  return found;
}

const snake = (name) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();

function schemaFiles(dir) {
  const schemaDir = join(dir, "prisma", "schema");
  if (!existsSync(schemaDir)) return [];
  return readdirSync(schemaDir).filter((f) => f.endsWith(".prisma")).sort().map((f) => join(schemaDir, f));
}

/** A plugin argument: a directory, or an installed package found from the current directory up. */
function pluginDir(arg) {
  if (existsSync(join(arg, "package.json")) || existsSync(join(arg, "prisma"))) return arg;
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", arg);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dirname(dir) === dir) throw new Error(`assets-schema: ${arg} is neither a directory nor an installed package`);
  }
}

/** The generator block for a host: Prisma's JavaScript client in its default place, sharing @prisma/client's runtime. */
const HOST_GENERATOR = `generator client {
  provider   = "prisma-client-js"
  engineType = "client"
}`;

/** Composes core + plugins into `out`; returns the back-relations it added. */
export function compose(pluginDirs, out, { host = false } = {}) {
  const coreFiles = schemaFiles(coreDir);
  const core = new Map(coreFiles.map((file) => [file, readFileSync(file, "utf8")]));
  const coreModels = new Map();
  for (const [file, text] of core) for (const name of models(text).keys()) coreModels.set(name, file);
  const additions = new Map(); // core model -> lines
  const written = [];
  for (const dir of pluginDirs) {
    const files = schemaFiles(dir);
    if (files.length === 0) throw new Error(`assets-schema: ${dir} has no prisma/schema/*.prisma`);
    const plugin = basename(resolve(dir));
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const [model, { body }] of models(text)) {
        for (const field of body.matchAll(/^\s*(\w+)\s+(\w+)\??\s+@relation\(([^)]*)\)/gm)) {
          const [, , target, args] = field;
          if (!coreModels.has(target)) continue;
          const named = /^\s*"([^"]+)"/.exec(args);
          const fk = /fields:\s*\[\s*(\w+)\s*\]/.exec(args)?.[1];
          const unique = fk !== undefined && new RegExp(`^\\s*${fk}\\s+\\w+\\??[^\\n]*@unique`, "m").test(body);
          const line = unique ? `  ${snake(model)} ${model}?` : `  ${snake(model)}_list ${model}[]`;
          const relation = named ? ` @relation("${named[1]}")` : "";
          additions.set(target, [...(additions.get(target) ?? []), `${line}${relation} // from ${plugin}`]);
        }
      }
      written.push([`${plugin}--${basename(file)}`, text]);
    }
  }
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const [file, original] of core) {
    let text = host
      ? original.replace(/generator client \{[^}]*\}/, HOST_GENERATOR)
      : original.replace(/(output\s*=\s*)"([^"]+)"/, (_, key, path) => `${key}"${relative(out, resolve(dirname(file), path))}"`);
    for (const [model, lines] of additions) {
      if (coreModels.get(model) !== file) continue;
      const block = models(text).get(model);
      text = `${text.slice(0, block.end)}\n  // Back-relations of plugins' models, added by assets-schema:\n${lines.join("\n")}${text.slice(block.end)}`;
    }
    writeFileSync(join(out, basename(file)), `// Composed by assets-schema from ${relative(out, file)}; do not edit.\n${text}`);
  }
  for (const [name, text] of written) writeFileSync(join(out, name), text);
  return [...additions.entries()].flatMap(([model, lines]) => lines.map((l) => `${model}.${l.trim()}`));
}

const SCALARS = new Set(["String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes"]);

/**
 * The tables, columns and relations of a composed schema, as the core's SQL list path reads them
 * (query/sql/model-map.ts): Prisma's runtime data model has no columns, lists or foreign keys.
 */
function modelMap(dir) {
  const texts = readdirSync(dir).filter((f) => f.endsWith(".prisma")).sort().map((f) => readFileSync(join(dir, f), "utf8").replace(/\/\/.*$/gm, ""));
  const enums = new Set(texts.flatMap((text) => [...text.matchAll(/^enum\s+(\w+)\s*\{/gm)].map((m) => m[1])));
  const map = {};
  for (const text of texts) {
    for (const [name, { body }] of models(text)) {
      const fields = {};
      for (const line of body.split("\n")) {
        const m = /^\s*(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(line);
        if (!m) continue;
        const [, field, type, list, optional, rest] = m;
        const kind = SCALARS.has(type) ? "scalar" : enums.has(type) ? "enum" : "object";
        const entry = { type, kind, list: Boolean(list), optional: Boolean(optional), column: /@map\("([^"]+)"\)/.exec(rest)?.[1] ?? field };
        if (kind === "object") {
          const args = /@relation\(([^)]*)\)/.exec(rest)?.[1] ?? "";
          const list = (key) => new RegExp(`${key}:\\s*\\[([^\\]]*)\\]`).exec(args)?.[1].split(",").map((s) => s.trim());
          entry.relationName = /^\s*"([^"]+)"/.exec(args)?.[1] ?? /name:\s*"([^"]+)"/.exec(args)?.[1] ?? null;
          entry.fields = list("fields") ?? null;
          entry.references = list("references") ?? null;
        }
        fields[field] = entry;
      }
      map[name] = { table: /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? name, fields };
    }
  }
  return map;
}

function option(args, name) {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : undefined;
}

/** The Prisma CLI's entry point, as installed beside this package (a peer dependency) or in the current project. */
function prismaCli() {
  for (const from of [join(coreDir, "package.json"), join(process.cwd(), "package.json")]) {
    try {
      const manifest = createRequire(from).resolve("prisma/package.json");
      return join(dirname(manifest), JSON.parse(readFileSync(manifest, "utf8")).bin.prisma);
    } catch {
      // not installed there
    }
  }
  return null;
}

/** Where Prisma's JavaScript client lands by default: node_modules/.prisma/client beside @prisma/client. */
function defaultClientDir(schemaDir) {
  const runtime = createRequire(join(schemaDir, "schema.js")).resolve("@prisma/client/package.json");
  return join(dirname(dirname(dirname(runtime))), ".prisma", "client");
}

function main(argv) {
  const args = [...argv];
  const generate = !args.includes("--no-generate");
  const host = installedIn !== null;
  const out = resolve(option(args, "--out") ?? (host ? join(installedIn, ".assets", "schema") : join(coreDir, "prisma", "composed")));
  const clientOut = option(args, "--client"); // a checkout's TypeScript client elsewhere (the packed core's own, see scripts/)
  const plugins = args.filter((a) => !a.startsWith("--")).map(pluginDir);
  const added = compose(plugins, out, { host });
  if (clientOut) {
    const core = join(out, "core.prisma");
    writeFileSync(core, readFileSync(core, "utf8").replace(/(output\s*=\s*)"([^"]+)"/, (_, key) => `${key}"${relative(out, resolve(clientOut))}"`));
  }
  process.stderr.write(`assets-schema: composed core + ${plugins.length} plugin(s) into ${relative(process.cwd(), out) || "."}${added.length ? `; back-relations: ${added.join(", ")}` : ""}\n`);
  if (!generate) return 0;
  const cli = prismaCli();
  if (!cli) {
    process.stderr.write("assets-schema: the Prisma CLI is missing; install it beside @assets/core: npm install prisma@6.19.3\n");
    return 1;
  }
  const engine = join(coreDir, "prisma", ".no-engine");
  // The client needs no native engine, and generating needs none: pointing the CLI at an empty file stops it
  // from downloading them (it cannot, offline).
  const result = spawnSync(process.execPath, [cli, "generate", "--schema", out], {
    stdio: "inherit",
    env: {
      ...process.env,
      PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? engine,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? engine,
      CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE ?? "1",
    },
  });
  if (result.status !== 0) return result.status ?? 1;
  const map = modelMap(out);
  if (host) {
    const client = defaultClientDir(out);
    writeFileSync(join(client, MODEL_MAP_FILE), `${JSON.stringify(map)}\n`);
    process.stderr.write(`assets-schema: openDatabase() will use the client in ${relative(process.cwd(), client)}\n`);
    return 0;
  }
  const core = readFileSync(join(out, "core.prisma"), "utf8");
  const client = resolve(out, /output\s*=\s*"([^"]+)"/.exec(core)[1]);
  writeFileSync(
    join(client, "model-map.ts"),
    "// Written by assets-schema from the composed schema; do not edit.\n" +
      "/** A column, or a relation (kind \"object\") with its foreign key on this side (`fields`) or on the other. */\n" +
      "export interface ModelField { type: string; kind: \"scalar\" | \"enum\" | \"object\"; list: boolean; optional: boolean; column: string; " +
      "relationName?: string | null; fields?: string[] | null; references?: string[] | null }\n" +
      `export const modelMap: Record<string, { table: string; fields: Record<string, ModelField> }> = ${JSON.stringify(map)};\n`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
