import { AppError } from "../../errors/index.js";
import { compileListQuery } from "../compile-prisma.js";
import type { FieldCatalog } from "../field-catalog.js";
import { listWhere } from "../list-page.js";
import type { ListQuery } from "../types.js";

const FIELDS: FieldCatalog = { name: { type: "string", path: ["name"] } };
/** listWhere reads only the delegate's type; this one would fail any query. */
const delegate = {
  findMany: (): Promise<{ id: number }[]> => Promise.reject(new Error("not queried")),
  count: (): Promise<number> => Promise.reject(new Error("not queried")),
};
const query = (value: unknown, op: "eq" | "matches"): ListQuery => ({
  filter: { kind: "condition", field: "name", op, value },
  search: null,
  sort: [],
  page: { offset: 0, limit: 10 },
});

describe("listWhere", () => {
  it("is the list's filter as the compiler builds it", () => {
    const q = query("a", "eq");
    expect(listWhere(delegate, FIELDS, q)).toEqual(compileListQuery(FIELDS, q).where);
  });

  it("refuses a regular-expression condition, which only the SQL list path runs, as the caller's 400", () => {
    const q = query({ pattern: "^a", caseSensitive: false, regexp: true }, "matches");
    expect(compileListQuery(FIELDS, q).regexps).toHaveLength(1); // a filter Prisma cannot run
    let error: unknown;
    try {
      listWhere(delegate, FIELDS, q);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("INVALID_PARAMETER");
  });
});
