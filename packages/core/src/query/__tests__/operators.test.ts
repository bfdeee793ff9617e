import { OPERATORS_BY_TYPE } from "../field-catalog.js";
import { parseJsonApiQuery } from "../jsonapi-dialect.js";
import { OPERATOR_NAMES, operatorSpec } from "../operators.js";

/** The one operator table: every dialect and the compiler read it, none keeps its own list. */
describe("operator table", () => {
  it("has a Prisma compiler for every field type it allows each operator on", () => {
    for (const op of OPERATOR_NAMES) {
      const spec = operatorSpec(op);
      for (const type of spec.types) expect([op, type, type === "string[]" ? typeof spec.array : typeof spec.scalar]).toEqual([op, type, "function"]);
    }
  });

  it("gives string fields the operators the README documents for the JSON:API dialect", () => {
    // README: eq, neq, in, not_in, gt, gte, lt, lte, exists, matches, contains, starts_with, ends_with
    expect([...OPERATORS_BY_TYPE.string].sort()).toEqual(["contains", "ends_with", "eq", "exists", "gt", "gte", "in", "lt", "lte", "matches", "neq", "not_in", "not_matches", "starts_with"]);
    expect([...OPERATORS_BY_TYPE["string[]"]].sort()).toEqual(["all_in", "contains", "eq", "exists", "in", "not_in"]);
    expect([...OPERATORS_BY_TYPE.boolean].sort()).toEqual(["eq", "exists", "neq"]);
  });

  it("lets the JSON:API dialect name exactly the table's operators", () => {
    const options = { fields: { name: { type: "string" as const, path: ["name"] } } };
    let message = "";
    try {
      parseJsonApiQuery(new URLSearchParams("filter[fields][name][nope]=x"), options);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`Unknown operator 'nope'; allowed: ${OPERATOR_NAMES.join(", ")}`);
    for (const op of OPERATORS_BY_TYPE.string.filter((o) => o !== "matches" && o !== "not_matches" && o !== "exists")) {
      expect(parseJsonApiQuery(new URLSearchParams(`filter[fields][name][${op}]=x`), options).filter).toMatchObject({ op });
    }
  });
});
