import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "../query/build-query.js";
import { OPERATORS_BY_TYPE, type ListOptions } from "../query/field-catalog.js";
import type { ParameterSpec } from "./route.js";

/**
 * The query parameters `parseJsonApiQuery` reads for one list endpoint, from
 * the same field catalogue it checks against: `filter[ids]`, `filter[query]`,
 * `filter[fields][<field>][<op>]` per filterable field (with its operators),
 * `order_by` over the sortable fields, `page[offset]` and `page[limit]`.
 */
export function jsonApiListParameters(options: ListOptions): ParameterSpec[] {
  const entries = Object.entries(options.fields);
  const searchable = entries.filter(([, spec]) => spec.search).map(([name]) => name);
  const filters: ParameterSpec[] = entries
    .filter(([, spec]) => spec.filterable !== false)
    .map(([name, spec]) => ({
      name: `filter[fields][${name}][eq]`,
      in: "query",
      description: `${spec.type} field${spec.values ? ` (${spec.values.join(", ")})` : ""}. Other operators in place of [eq]: ${OPERATORS_BY_TYPE[spec.type].filter((op) => op !== "eq").join(", ")}${spec.aliases?.length ? `. Also named ${spec.aliases.join(", ")}` : ""}.`,
      schema: spec.values ? { type: "string", enum: [...spec.values] } : { type: "string" },
    }));
  const sortable = entries.filter(([, spec]) => spec.sortable !== false).map(([name]) => name);
  const defaultSort = options.defaultSort?.map((key) => `${key.field}_${key.direction.toUpperCase()}`).join(",");
  return [
    { name: "filter[ids]", in: "query", description: "Comma-separated ids.", schema: { type: "string" } },
    ...(searchable.length ? [{ name: "filter[query]", in: "query" as const, description: `Text search over ${searchable.join(", ")}.`, schema: { type: "string" } }] : []),
    ...filters,
    {
      name: "order_by",
      in: "query",
      description: `Comma-separated <field>_ASC or <field>_DESC over ${sortable.join(", ")}${defaultSort ? `; default ${defaultSort}` : ""}.`,
      schema: { type: "string" },
    },
    { name: "page[offset]", in: "query", description: "Rows to skip.", schema: { type: "integer", minimum: 0, default: 0 } },
    { name: "page[limit]", in: "query", description: "Rows per page.", schema: { type: "integer", minimum: 1, maximum: options.maxLimit ?? MAX_PAGE_LIMIT, default: options.defaultLimit ?? DEFAULT_PAGE_LIMIT } },
  ];
}
