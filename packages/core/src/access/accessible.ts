import { subject } from "@casl/ability";
import { accessibleBy } from "@casl/prisma/runtime";
import type { Prisma, Resource } from "../generated/prisma/client.js";
import type { AppAbility, ResourceAction } from "./ability.js";

// CASL writes "no rule allows this" as `{ OR: [] }`, which Prisma reads as TRUE when nested
// in AND (prisma/prisma#17367). `id IN ()` is FALSE everywhere.
function denyEmpty<T extends object>(where: T): T {
  const or = (where as { OR?: unknown[] }).OR;
  return Array.isArray(or) && or.length === 0 && Object.keys(where).length === 1 ? ({ id: { in: [] } } as T) : where;
}

/** The rows of `Resource` the ability allows `action` on, as a Prisma filter. */
export function accessibleResources(ability: AppAbility, action: ResourceAction): Prisma.ResourceWhereInput {
  return denyEmpty(accessibleBy(ability, action).ofType("Resource"));
}

/** Uploads inherit their resource's permissions; uploaders always reach their own. */
export function accessibleUploads(ability: AppAbility, action: ResourceAction): Prisma.UploadWhereInput {
  const own = denyEmpty(accessibleBy(ability, action).ofType("Upload"));
  // Prisma reads `{}` inside OR as FALSE rather than TRUE, so "everything" must stay a bare `{}`.
  if (Object.keys(own).length === 0) return own;
  return { OR: [own, { resource: { is: accessibleResources(ability, action) } }] };
}

/** The columns of a loaded resource row a rule may test to be decided without the database. */
const ROW_COLUMNS = new Set(["id", "uuid", "type", "organisation_id", "owner_id", "access_modifier", "grant_keys"]);
const SCALAR_OPERATORS = new Set(["equals", "in", "notIn", "not", "hasSome"]);

function isScalar(value: unknown): boolean {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function isScalarFilter(value: unknown): boolean {
  if (isScalar(value)) return true;
  if (typeof value !== "object" || Array.isArray(value)) return false;
  return Object.entries(value as object).every(([op, operand]) =>
    SCALAR_OPERATORS.has(op) && (Array.isArray(operand) ? operand.every(isScalar) : op === "not" ? isScalarFilter(operand) : isScalar(operand)),
  );
}

/** True when a rule's condition tests only the row's own columns with plain comparisons (no relations). */
function testsOnlyRowColumns(condition: unknown): boolean {
  if (condition === undefined) return true;
  if (typeof condition !== "object" || condition === null || Array.isArray(condition)) return false;
  return Object.entries(condition).every(([key, value]) =>
    key === "AND" || key === "OR" || key === "NOT"
      ? (Array.isArray(value) ? value : [value]).every(testsOnlyRowColumns)
      : ROW_COLUMNS.has(key) && isScalarFilter(value),
  );
}

/**
 * Decides `action` on resource rows already loaded by a permission-filtered
 * query, when every rule for it tests only the row's own columns (organisation,
 * owner, access modifier, grant keys): the same conditions the SQL filter
 * holds, evaluated on the row. Returns null when some rule needs the database
 * (a relation filter): ask with `accessibleResources` then.
 */
export function decideOnRows(ability: AppAbility, action: ResourceAction, rows: readonly Resource[]): Set<number> | null {
  if (!ability.rulesFor(action, "Resource").every((rule) => testsOnlyRowColumns(rule.conditions))) return null;
  return new Set(rows.filter((row) => ability.can(action, subject("Resource", { ...row }))).map((row) => row.id));
}
