import { z } from "zod";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, errorResponses, schemaComponent, type ListOptions, type ParameterSpec } from "@assets/core";
import type { DjangoListOptions } from "./django-dialect.js";
import { DYNAMIC_REST_OPERATORS } from "./dynamic-rest-filters.js";
import type { DynamicRestListOptions } from "./dynamic-rest-query.js";

/** `{ detail }` or field-keyed lists, as `drfErrorBody` writes them. */
export const DRF_ERROR = schemaComponent(
  "DrfError",
  z.union([z.object({ detail: z.string() }), z.record(z.string(), z.array(z.string())).describe("Field-keyed validation errors")]),
);

/** The error answers of a DRF-shaped route, by status. */
export const drfErrors = errorResponses(DRF_ERROR, {
  400: "Invalid fields or parameters (field-keyed lists)",
  401: "Authentication credentials were not provided",
  403: "Not allowed",
  404: "Not found, or not visible to the caller",
  405: "Method not allowed",
  409: "Conflict",
  413: "Too large",
});

/** A row of a DRF-shaped answer, described as an open object: its serializer renders it, not a zod schema. */
export const DRF_OBJECT = z.looseObject({});

/** DRF's `PageNumberPagination` envelope around rows of `item`, named `name` in the document. */
export function drfPageSchema(name: string, item: z.ZodType = DRF_OBJECT) {
  return schemaComponent(
    name,
    z.object({ count: z.number().int(), next: z.string().nullable(), previous: z.string().nullable(), results: z.array(item) }),
  );
}

/** `page` and `page_size` as `parseDjangoPage` reads them, with the endpoint's limits. */
export function drfPageParameters(options: ListOptions): ParameterSpec[] {
  const max = options.maxLimit ?? MAX_PAGE_LIMIT;
  return [
    { name: "page", in: "query", description: "1-based page number, or `last`.", schema: { type: "string", default: "1" } },
    { name: "page_size", in: "query", description: `Rows per page (above ${max} is clamped).`, schema: { type: "integer", minimum: 1, default: Math.min(options.defaultLimit ?? DEFAULT_PAGE_LIMIT, max) } },
  ];
}

/**
 * The query parameters `parseDjangoQuery` reads for one endpoint, from its
 * filter declarations: each filter with its lookups (`name__icontains`),
 * `ordering` over the declared names, the search parameter, `page`, `page_size`.
 */
export function djangoListParameters(options: DjangoListOptions): ParameterSpec[] {
  const filters: ParameterSpec[] = Object.entries(options.filters).map(([name, filter]) => {
    const type = options.fields[filter.field]?.type;
    const lookups = filter.lookups.filter((lookup) => lookup !== (filter.default ?? "exact"));
    return {
      name,
      in: "query",
      description: `${filter.field}${type ? ` (${type})` : ""}, lookup ${filter.default ?? "exact"}${lookups.length ? `; also ${lookups.map((lookup) => `${name}__${lookup}`).join(", ")}` : ""}.`,
      schema: { type: "string" },
    };
  });
  const ordering = Object.keys(options.ordering ?? {});
  return [
    ...filters,
    ...(options.searchParam ? [{ name: options.searchParam, in: "query" as const, description: "Free-text search.", schema: { type: "string" } }] : []),
    ...(ordering.length ? [{ name: "ordering", in: "query" as const, description: `Comma-separated, \`-\` for descending: ${ordering.join(", ")}.`, schema: { type: "string" } }] : []),
    ...drfPageParameters(options),
  ];
}


/**
 * The query parameters `parseDynamicRestQuery` reads for one list: `filter{field}` per
 * filterable field (with `.op` and the `-` exclusion), `search`/`search_fields`, `sort[]`,
 * `ordering`, `include[]`/`exclude[]`, `api_preset`, `extent`, `page`, `page_size`.
 */
export function dynamicRestListParameters(options: DynamicRestListOptions): ParameterSpec[] {
  const entries = Object.entries(options.fields);
  const filters: ParameterSpec[] = entries
    .filter(([, spec]) => spec.filterable !== false)
    .map(([name, spec]) => ({
      name: `filter{${name}}`,
      in: "query",
      description: `${spec.type} field. Also filter{${name}.<op>} with op one of ${DYNAMIC_REST_OPERATORS.join(", ")}; filter{-${name}} excludes.`,
      schema: { type: "string" },
    }));
  const searchable = entries.filter(([, spec]) => spec.search).map(([name]) => name);
  const sortable = entries.filter(([, spec]) => spec.sortable !== false).map(([name]) => name);
  const list = (description: string): Pick<ParameterSpec, "description" | "schema" | "style" | "explode"> => ({ description, schema: { type: "array", items: { type: "string" } }, style: "form", explode: true });
  return [
    ...filters,
    { name: "search", in: "query", description: `Text search${searchable.length ? ` over ${searchable.join(", ")} unless search_fields names others` : ""}.`, schema: { type: "string" } },
    { name: "search_fields", in: "query", ...list("Fields `search` looks in.") },
    { name: "sort[]", in: "query", ...list(`Sort keys, \`-\` for descending: ${sortable.join(", ")}.`) },
    { name: "ordering", in: "query", description: "DRF's comma-separated ordering (as sort[]).", schema: { type: "string" } },
    { name: "include[]", in: "query", ...list("Fields to add to each row (dotted paths for related objects).") },
    { name: "exclude[]", in: "query", ...list("Fields to leave out (`*` for all but the included).") },
    ...(options.presets ? [{ name: "api_preset", in: "query" as const, ...list(`Named field selections: ${Object.keys(options.presets).join(", ")}.`) }] : []),
    ...(options.extent ? [{ name: "extent", in: "query" as const, description: "minx,miny,maxx,maxy in WGS84: rows whose bbox intersects it.", schema: { type: "string" } }] : []),
    ...drfPageParameters(options),
  ];
}
