import type { FieldSpec } from "./field-catalog.js";
import { likeLiteral, nest, NOTHING, type PrismaWhere } from "./prisma-where.js";
import type { Condition, FieldType, MatchPattern } from "./types.js";

/**
 * The canonical filter operators, each spelled once: what value it takes,
 * which field types it applies to and how it compiles to Prisma. Dialects
 * (JSON:API `[op]`, Django `__lookup`) map their own spelling onto these names.
 */

/** The value an operator takes: one value, a comma list, true/false, or a `matches` pattern. */
export type Operand = "value" | "list" | "flag" | "pattern";

/** One canonical operator. */
export interface OperatorSpec {
  operand: Operand;
  /** Field types the operator applies to. */
  types: readonly FieldType[];
  /** The Prisma filter on a scalar field (types other than `string[]`). */
  scalar?: (spec: FieldSpec, condition: Condition) => PrismaWhere;
  /** The Prisma filter on a `string[]` field. */
  array?: (spec: FieldSpec, condition: Condition) => PrismaWhere;
}

const ORDERED: readonly FieldType[] = ["string", "integer", "bigint", "float", "datetime"];
const SETS: readonly FieldType[] = [...ORDERED, "uuid", "enum"];
const SCALARS: readonly FieldType[] = [...SETS, "boolean"];
const EVERY: readonly FieldType[] = [...SCALARS, "string[]"];

function stringMode(spec: FieldSpec, condition: Condition) {
  return spec.type === "string" && condition.insensitive ? { mode: "insensitive" } : {};
}

/** A string value compared through ILIKE (insensitive equality) is escaped; `=` compares it as is. */
function equalityValue(spec: FieldSpec, condition: Condition): unknown {
  return spec.type === "string" && condition.insensitive && typeof condition.value === "string" ? likeLiteral(condition.value) : condition.value;
}

/** SQL's <> drops NULLs; "not equal to x" should still include rows without a value. */
function orNull(spec: FieldSpec, filter: PrismaWhere): PrismaWhere {
  return spec.nullable ? { OR: [filter, nest(spec, { equals: null })] } : filter;
}

const compare = (prisma: string) => (spec: FieldSpec, condition: Condition) => nest(spec, { [prisma]: condition.value, ...stringMode(spec, condition) });
const like = (prisma: string) => (spec: FieldSpec, condition: Condition) =>
  nest(spec, { [prisma]: likeLiteral(String(condition.value)), ...stringMode(spec, condition) });

function exists(spec: FieldSpec, condition: Condition): PrismaWhere {
  const present = condition.value === true;
  if (spec.type === "string") {
    // A string "exists" when it is neither NULL nor empty.
    const filled = nest(spec, { not: "" });
    const withValue = spec.nullable ? { AND: [filled, nest(spec, { not: null })] } : filled;
    return present ? withValue : { NOT: withValue };
  }
  if (!spec.nullable) return present ? {} : NOTHING;
  return present ? nest(spec, { not: null }) : nest(spec, { equals: null });
}

/** The key of a regular-expression filter in the compiled `where` (`{ notes: { regex: "^a", mode } }`). */
export const REGEX_FILTER = "regex";

function matches(spec: FieldSpec, condition: Condition): PrismaWhere {
  const { pattern, caseSensitive, regexp } = condition.value as MatchPattern;
  const mode = caseSensitive ? {} : { mode: "insensitive" };
  // `regex` is no Prisma filter: only the SQL list path compiles it (listPage refuses it elsewhere).
  return nest(spec, regexp ? { [REGEX_FILTER]: pattern, ...mode } : { contains: likeLiteral(pattern), ...mode });
}


/** Every canonical operator, in the order error messages list them. */
export const OPERATORS = {
  eq: {
    operand: "value",
    types: EVERY,
    scalar: (spec, c) => nest(spec, { equals: equalityValue(spec, c), ...stringMode(spec, c) }),
    array: (spec, c) => nest(spec, { equals: [c.value] }),
  },
  neq: { operand: "value", types: SCALARS, scalar: (spec, c) => orNull(spec, nest(spec, { not: equalityValue(spec, c), ...stringMode(spec, c) })) },
  in: { operand: "list", types: [...SETS, "string[]"], scalar: compare("in"), array: (spec, c) => nest(spec, { hasSome: c.value }) },
  not_in: {
    operand: "list",
    types: [...SETS, "string[]"],
    scalar: (spec, c) => orNull(spec, nest(spec, { notIn: c.value, ...stringMode(spec, c) })),
    array: (spec, c) => ({ NOT: nest(spec, { hasSome: c.value }) }),
  },
  gt: { operand: "value", types: ORDERED, scalar: compare("gt") },
  gte: { operand: "value", types: ORDERED, scalar: compare("gte") },
  lt: { operand: "value", types: ORDERED, scalar: compare("lt") },
  lte: { operand: "value", types: ORDERED, scalar: compare("lte") },
  exists: {
    operand: "flag",
    types: EVERY,
    scalar: exists,
    array: (spec, c) => (c.value === true ? { NOT: nest(spec, { isEmpty: true }) } : nest(spec, { isEmpty: true })),
  },
  contains: { operand: "value", types: ["string", "string[]"], scalar: like("contains"), array: (spec, c) => nest(spec, { has: c.value }) },
  starts_with: { operand: "value", types: ["string"], scalar: like("startsWith") },
  ends_with: { operand: "value", types: ["string"], scalar: like("endsWith") },
  matches: { operand: "pattern", types: ["string"], scalar: matches },
  // NOT around the whole path: through a relation, "no related row matches" (a row without one included).
  not_matches: { operand: "pattern", types: ["string"], scalar: (spec, c) => orNull(spec, { NOT: matches(spec, c) }) },
  all_in: { operand: "list", types: ["string[]"], array: (spec, c) => nest(spec, { hasEvery: c.value }) },
} as const satisfies Record<string, OperatorSpec>;

/** Comparison operators of the canonical query. */
export type Operator = keyof typeof OPERATORS;

/** Every operator name. */
export const OPERATOR_NAMES = Object.keys(OPERATORS) as Operator[];

/** The spec of one operator (typed for the optional members). */
export function operatorSpec(op: Operator): OperatorSpec {
  return OPERATORS[op];
}

/** Whether `name` is a canonical operator. */
export function isOperator(name: string): name is Operator {
  return Object.hasOwn(OPERATORS, name);
}

/** The operators allowed on a field type, in table order. */
export function operatorsFor(type: FieldType): Operator[] {
  return OPERATOR_NAMES.filter((op) => operatorSpec(op).types.includes(type));
}
