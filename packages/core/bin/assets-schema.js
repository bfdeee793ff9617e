#!/usr/bin/env node
// assets-schema: composes the Prisma schema of the core and of the plugins a
// host uses, then generates the one Prisma client they share.
//
//   assets-schema [--no-generate] [--out <dir>] <plugin dir>...
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
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const coreDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");

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

/** Composes core + plugins into `out`; returns the back-relations it added. */
export function compose(pluginDirs, out) {
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
    let text = original.replace(/(output\s*=\s*)"([^"]+)"/, (_, key, path) => `${key}"${relative(out, resolve(dirname(file), path))}"`);
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

function main(argv) {
  const args = [...argv];
  const generate = !args.includes("--no-generate");
  const outAt = args.indexOf("--out");
  const out = resolve(outAt >= 0 ? args.splice(outAt, 2)[1] : join(coreDir, "prisma", "composed"));
  const plugins = args.filter((a) => !a.startsWith("--"));
  const added = compose(plugins, out);
  process.stderr.write(`assets-schema: composed core + ${plugins.length} plugin(s) into ${relative(process.cwd(), out) || "."}${added.length ? `; back-relations: ${added.join(", ")}` : ""}\n`);
  if (!generate) return 0;
  const engine = join(coreDir, "prisma", ".no-engine");
  // The client needs no query engine; PRISMA_QUERY_ENGINE_LIBRARY stops the CLI from downloading one.
  const result = spawnSync("prisma", ["generate", "--schema", out], {
    stdio: "inherit",
    shell: process.platform === "win32",
    env: { ...process.env, PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY ?? engine, PATH: `${join(process.cwd(), "node_modules", ".bin")}:${process.env.PATH}` },
  });
  if (result.status !== 0) return result.status ?? 1;
  const core = readFileSync(join(out, "core.prisma"), "utf8");
  const client = resolve(out, /output\s*=\s*"([^"]+)"/.exec(core)[1]);
  writeFileSync(
    join(client, "model-map.ts"),
    "// Written by assets-schema from the composed schema; do not edit.\n" +
      "/** A column, or a relation (kind \"object\") with its foreign key on this side (`fields`) or on the other. */\n" +
      "export interface ModelField { type: string; kind: \"scalar\" | \"enum\" | \"object\"; list: boolean; optional: boolean; column: string; " +
      "relationName?: string | null; fields?: string[] | null; references?: string[] | null }\n" +
      `export const modelMap: Record<string, { table: string; fields: Record<string, ModelField> }> = ${JSON.stringify(modelMap(out))};\n`,
  );
  return 0;
}

process.exitCode = main(process.argv.slice(2));
