import { Errors, type Condition, type Db, type FilterNode, type ListQuery } from "@assets/core";
import { ELEMENT_FIELDS } from "./geonode-fields.js";

/**
 * dynamic-rest compares a to-many relation's field element by element
 * (`filter{keywords.name.icontains}=rai` is every resource with a keyword
 * containing "rai"). Keywords and regions are text arrays here, which the
 * query compiler matches as whole arrays, so a condition on one of them is
 * rewritten before compiling: the matching element values are looked up
 * (`SELECT DISTINCT` over the array's elements), and the condition becomes
 * "has any of these". The lookup reveals nothing: the rewritten condition
 * still runs inside the caller's permission filter.
 */

/** Most distinct values one pattern may expand to; past it the filter is a 400. */
export const MAX_ELEMENT_MATCHES = 10_000;

function likePattern(value: string, op: Condition["op"]): string {
  const escaped = value.replace(/[\\%_]/g, "\\$&");
  return op === "starts_with" ? `${escaped}%` : op === "ends_with" ? `%${escaped}` : op === "contains" ? `%${escaped}%` : escaped;
}

async function matchingElements(db: Db, field: string, condition: Condition): Promise<string[]> {
  const { table, column } = ELEMENT_FIELDS[field]!;
  const operator = condition.insensitive ? "ILIKE" : "LIKE";
  // Identifiers come from the fixed ELEMENT_FIELDS table, never from the request.
  const rows = await db.$queryRawUnsafe<{ value: string }[]>(
    `SELECT DISTINCT e AS value FROM "${table}" AS t CROSS JOIN LATERAL unnest(t."${column}") AS e WHERE e ${operator} $1 ESCAPE '\\' LIMIT ${MAX_ELEMENT_MATCHES + 1}`,
    likePattern(String(condition.value), condition.op),
  );
  if (rows.length > MAX_ELEMENT_MATCHES) {
    throw Errors.INVALID_PARAMETER({ detail: `filter{${field}} matches more than ${MAX_ELEMENT_MATCHES} values; narrow it`, source: { parameter: `filter{${field}}` } });
  }
  return rows.map((r) => r.value);
}

async function rewrite(db: Db, node: FilterNode): Promise<FilterNode> {
  switch (node.kind) {
    case "and":
    case "or":
      return { kind: node.kind, nodes: await Promise.all(node.nodes.map((n) => rewrite(db, n))) };
    case "not":
      return { kind: "not", node: await rewrite(db, node.node) };
    case "condition": {
      if (!Object.hasOwn(ELEMENT_FIELDS, node.field)) return node;
      if (node.op === "eq" && !node.insensitive) return { ...node, op: "in", value: [node.value] };
      if (node.op === "eq" || node.op === "contains" || node.op === "starts_with" || node.op === "ends_with") {
        return { kind: "condition", field: node.field, op: "in", value: await matchingElements(db, node.field, node) };
      }
      return node;
    }
  }
}

/** The query with its keyword and region conditions compared element by element (see the module comment). */
export async function resolveElementFilters(db: Db, query: ListQuery): Promise<ListQuery> {
  return query.filter ? { ...query, filter: await rewrite(db, query.filter) } : query;
}
