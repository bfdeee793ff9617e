import { Errors } from "@assets/core";

/**
 * dynamic-rest's `include[]` / `exclude[]` field selection: a tree of field
 * names (`include[]=owner.username` → `{ owner: { username: true } }`), true
 * to include a field, false to leave it out; `*` stands for every field
 * (`exclude[]=*&include[]=pk` renders `pk` only).
 */
export interface FieldSelection {
  [field: string]: boolean | FieldSelection;
}

/** The fields one serializer renders. */
export interface SerializerFields {
  /** Name used in error messages (dynamic-rest's serializer name, e.g. `resource`). */
  name: string;
  /** Every field it can render, in output order. */
  fields: readonly string[];
  /** Fields rendered only when asked for with `include[]` (dynamic-rest's `deferred_fields`). */
  deferred?: readonly string[];
}

function invalid(parameter: string, detail: string) {
  return Errors.INVALID_PARAMETER({ detail, source: { parameter } });
}

/**
 * Builds the selection tree from `include[]` and `exclude[]` values as
 * dynamic-rest's `get_request_fields` does: includes first, then excludes,
 * so a field named in both is excluded.
 */
export function parseFieldSelection(include: readonly string[], exclude: readonly string[]): FieldSelection {
  const tree: FieldSelection = {};
  for (const [names, included, parameter] of [
    [include, true, "include[]"],
    [exclude, false, "exclude[]"],
  ] as const) {
    for (const name of names) {
      const segments = name.trim().split(".");
      let node = tree;
      segments.forEach((segment, i) => {
        const last = i === segments.length - 1;
        if (segment === "") {
          if (!last) throw invalid(parameter, `"${name}" is not a valid field.`);
          return;
        }
        if (last) {
          node[segment] = included;
          return;
        }
        const child = node[segment];
        node = typeof child === "object" ? child : (node[segment] = {});
      });
    }
  }
  return tree;
}

/** Merges `extra` (an `api_preset`'s selection) under `base` (the request's own): the request's choices win. */
export function mergeFieldSelection(extra: FieldSelection, base: FieldSelection): FieldSelection {
  const merged: FieldSelection = { ...extra };
  for (const [name, value] of Object.entries(base)) {
    const existing = merged[name];
    merged[name] = typeof value === "object" && typeof existing === "object" ? mergeFieldSelection(existing, value) : value;
  }
  return merged;
}

/**
 * The fields a serializer renders under a selection (dynamic-rest's
 * `_dynamic_init` and `get_fields`): its default fields, plus the deferred
 * ones named in `include[]`, minus those in `exclude[]`; `exclude[]=*` leaves
 * only the included ones. A name the serializer does not have is a 400.
 */
export function selectedFields(selection: FieldSelection | undefined, serializer: SerializerFields): string[] {
  if (!selection || Object.keys(selection).length === 0) {
    const deferred = new Set(serializer.deferred ?? []);
    return serializer.fields.filter((field) => !deferred.has(field));
  }
  const { "*": star, ...named } = selection;
  for (const name of Object.keys(named)) {
    if (!serializer.fields.includes(name)) throw invalid(named[name] === false ? "exclude[]" : "include[]", `"${name}" is not a valid field name for "${serializer.name}".`);
  }
  const wanted = (value: boolean | FieldSelection | undefined) => value === true || typeof value === "object";
  const deferred = new Set(serializer.deferred ?? []);
  return serializer.fields.filter((field) => {
    const choice = named[field];
    if (choice === false) return false;
    if (wanted(choice)) return true;
    if (star === false) return false;
    if (star === true) return true;
    return !deferred.has(field);
  });
}

/** The selection for a nested object's fields (`include[]=owner.username` → `{ username: true }`). */
export function nestedSelection(selection: FieldSelection | undefined, field: string): FieldSelection | undefined {
  const child = selection?.[field];
  return typeof child === "object" ? child : undefined;
}

/**
 * Renders a record through a selection: `render` gives each selected
 * field's value (and is only called for those, so deferred fields cost
 * nothing unless asked for).
 */
export function renderSelected<T>(
  selection: FieldSelection | undefined,
  serializer: SerializerFields,
  render: (field: string, nested: FieldSelection | undefined) => T,
): Record<string, T> {
  const out: Record<string, T> = {};
  for (const field of selectedFields(selection, serializer)) out[field] = render(field, nestedSelection(selection, field));
  return out;
}
