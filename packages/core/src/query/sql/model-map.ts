import { modelMap as bundled, type ModelField } from "../../generated/prisma/model-map.js";

export type { ModelField } from "../../generated/prisma/model-map.js";

/** Tables and fields per model, as assets-schema writes them beside a client. */
export type ModelMap = Record<string, { table: string; fields: Record<string, ModelField> }>;

// The bundled client's models, joined by those of a host's client when one is opened.
const modelMap: ModelMap = { ...bundled };

/** Adds the models of a client generated for a host (the core's are the same in every composition). */
export function registerModelMap(map: ModelMap): void {
  Object.assign(modelMap, map);
  joins.clear();
}

/** One model of the composed schema: its table and fields (written by assets-schema beside the client). */
export interface SqlModel {
  name: string;
  table: string;
  fields: Readonly<Record<string, ModelField>>;
}

/** How a relation field joins: `target.<targetColumns[i]> = source.<sourceColumns[i]>`. */
export interface RelationJoin {
  target: SqlModel;
  targetColumns: string[];
  sourceColumns: string[];
  list: boolean;
}

/** Thrown for a query shape the SQL list path does not compile; the caller then asks Prisma. */
export class UnsupportedQuery extends Error {}

const joins = new Map<string, RelationJoin>();

/** The model `name` (a Prisma model name, as a delegate's `$name` gives it). */
export function sqlModel(name: string): SqlModel {
  const entry = Object.hasOwn(modelMap, name) ? modelMap[name] : undefined;
  if (!entry) throw new UnsupportedQuery(`model ${name} is not in the model map`);
  return { name, table: entry.table, fields: entry.fields };
}

function columnsOf(model: SqlModel, fields: readonly string[]): string[] {
  return fields.map((f) => {
    const field = model.fields[f];
    if (!field) throw new UnsupportedQuery(`${model.name}.${f} is not a field`);
    return field.column;
  });
}

/** The join of relation field `field` of `model`, whichever side holds the foreign key. */
export function relationJoin(model: SqlModel, field: string, spec: ModelField): RelationJoin {
  const key = `${model.name}.${field}`;
  const known = joins.get(key);
  if (known) return known;
  const target = sqlModel(spec.type);
  let join: RelationJoin;
  if (spec.fields && spec.references) {
    join = { target, targetColumns: columnsOf(target, spec.references), sourceColumns: columnsOf(model, spec.fields), list: spec.list };
  } else {
    const back = Object.entries(target.fields).find(
      ([name, other]) => other.kind === "object" && other.type === model.name && (other.relationName ?? null) === (spec.relationName ?? null) && other.fields && !(target.name === model.name && name === field),
    );
    if (!back?.[1].fields || !back[1].references) throw new UnsupportedQuery(`no foreign key for ${key}`);
    join = { target, targetColumns: columnsOf(target, back[1].fields), sourceColumns: columnsOf(model, back[1].references), list: spec.list };
  }
  joins.set(key, join);
  return join;
}
