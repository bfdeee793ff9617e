import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { defaultMigrationsDir } from "../db/paths.js";
import { AppError } from "../errors/index.js";
import type { FieldSpec } from "../query/field-catalog.js";
import type { AssetPlugin } from "./types.js";

/** One field of a Prisma model, as its schema declares it. */
interface ModelField {
  type: string;
  optional: boolean;
  list: boolean;
}

type Models = Map<string, Map<string, ModelField>>;

const FIELD_LINE = /^\s*(\w+)\s+(\w+)(\[\])?(\?)?(?:\s|$)/;

/** The models of every `*.prisma` file in `dir` (fields by name: type, `?`, `[]`). */
function readModels(dir: string, into: Models): void {
  if (!existsSync(dir)) return;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".prisma"))) {
    let current: Map<string, ModelField> | null = null;
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      const start = /^\s*model\s+(\w+)\s*\{/.exec(line);
      if (start) {
        current = into.get(start[1]!) ?? new Map();
        into.set(start[1]!, current);
        continue;
      }
      if (/^\s*\}/.test(line)) current = null;
      const field = current && !/^\s*(\/\/|@@)/.test(line) ? FIELD_LINE.exec(line) : null;
      if (current && field) current.set(field[1]!, { type: field[2]!, list: field[3] === "[]", optional: field[4] === "?" });
    }
  }
}

const snake = (name: string) => name.replace(/(?<!^)([A-Z])/g, "_$1").toLowerCase();

/**
 * The back-relation `assets-schema` adds to a core model for a plugin's model that relates to it
 * (in the composed schema only): the asset type's `relation` or `<snake_case model>` to one,
 * `<snake_case model>_list` to many.
 */
function backRelation(models: Models, model: string, segment: string, relation: string | undefined): ModelField | undefined {
  const relating = [...models].filter(([, fields]) => [...fields.values()].some((f) => f.type === model && !f.list)).map(([name]) => name);
  const one = relating.find((name) => segment === snake(name)) ?? (relating.length === 1 && segment === relation ? relating[0] : undefined);
  if (one) return { type: one, list: false, optional: true };
  const many = relating.find((name) => segment === `${snake(name)}_list`);
  return many ? { type: many, list: true, optional: false } : undefined;
}

/** Prisma scalar types a field type may be stored as. */
const STORED_AS: Readonly<Record<FieldSpec["type"], readonly string[]>> = {
  string: ["String"],
  uuid: ["String"],
  integer: ["Int"],
  bigint: ["BigInt"],
  float: ["Float", "Decimal"],
  datetime: ["DateTime"],
  boolean: ["Boolean"],
  enum: ["String"],
  "string[]": ["String"],
};

function invalid(plugin: string, type: string, name: string, detail: string): AppError {
  return new AppError("PLUGIN_INVALID_FIELD", 500, `Field '${name}' of asset type '${type}' (plugin '${plugin}') is declared wrongly: ${detail}`);
}

/**
 * Why a field declaration does not match the models, or null when it does: the path must run
 * from Resource through relations (`via` saying to-one or to-many) to a column of the declared
 * type, and `nullable` must say whether that column can be NULL (Prisma refuses null tests and
 * null ordering on a required column, so a wrong `nullable` would be a 500 on the first query).
 */
function mismatch(models: Models, spec: FieldSpec, relation: string | undefined): string | null {
  let model = "Resource";
  for (const [i, segment] of spec.path.entries()) {
    const fields = models.get(model);
    if (!fields) return null; // a model no schema file here declares: nothing to check against
    const field = fields.get(segment) ?? backRelation(models, model, segment, relation);
    if (!field) return `${model} has no field '${segment}'`;
    const last = i === spec.path.length - 1;
    const isRelation = models.has(field.type);
    if (!last) {
      if (!isRelation) return `'${segment}' of ${model} is not a relation`;
      const via = spec.via?.[i] ?? "one";
      if (field.list !== (via === "many")) return `'${segment}' of ${model} is a to-${field.list ? "many" : "one"} relation; set via[${i}] to "${field.list ? "many" : "one"}"`;
      model = field.type;
      continue;
    }
    if (isRelation) return `'${segment}' of ${model} is a relation, not a column`;
    const enumColumn = !["String", "Int", "BigInt", "Float", "Decimal", "DateTime", "Boolean", "Json", "Bytes"].includes(field.type);
    if (spec.type === "enum" ? !enumColumn && field.type !== "String" : !STORED_AS[spec.type].includes(field.type)) {
      return `${model}.${segment} is ${field.type}${field.list ? "[]" : ""}, not a ${spec.type} column`;
    }
    if (field.list !== (spec.type === "string[]")) return `${model}.${segment} is ${field.list ? "" : "not "}a list`;
    if ((spec.nullable ?? false) !== field.optional) {
      return field.optional ? `${model}.${segment} can be NULL: declare nullable: true` : `${model}.${segment} is required: remove nullable: true`;
    }
  }
  return null;
}

/**
 * Refuses, with a coded error (PLUGIN_INVALID_FIELD), asset-type fields whose declaration does
 * not match the Prisma models: the core's and those a plugin ships beside its migrations.
 */
export function checkPluginFields(plugins: readonly AssetPlugin[]): void {
  const models: Models = new Map();
  readModels(join(dirname(defaultMigrationsDir), "schema"), models);
  for (const plugin of plugins) if (plugin.migrations) readModels(join(dirname(plugin.migrations), "schema"), models);
  for (const plugin of plugins) {
    for (const type of plugin.types ?? []) {
      for (const [name, spec] of Object.entries(type.fields ?? {})) {
        if (spec.path.length === 0) throw invalid(plugin.name, type.key, name, "its path is empty");
        if (spec.type === "enum" && !spec.values?.length) throw invalid(plugin.name, type.key, name, "an enum field needs its values");
        const problem = mismatch(models, spec, type.relation);
        if (problem) throw invalid(plugin.name, type.key, name, problem);
      }
    }
  }
}
