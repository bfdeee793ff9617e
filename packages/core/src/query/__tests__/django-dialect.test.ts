import { AppError } from "../../errors/index.js";
import {
  assertDjangoPageExists,
  DJANGO_COMPARE_LOOKUPS,
  DJANGO_TEXT_LOOKUPS,
  djangoPageOf,
  parseDjangoQuery,
  type DjangoListOptions,
} from "../django-dialect.js";
import type { FieldCatalog } from "../field-catalog.js";

const fields: FieldCatalog = {
  id: { type: "integer", path: ["id"] },
  uuid: { type: "uuid", path: ["uuid"] },
  name: { type: "string", path: ["name"], search: true },
  size: { type: "bigint", path: ["size"] },
  created_at: { type: "datetime", path: ["created_at"], aliases: ["created"] },
  "organisation.name": { type: "string", path: ["organisation", "name"] },
  "scenario.id": { type: "integer", path: ["scenario_id"], nullable: true },
};

const options: DjangoListOptions = {
  fields,
  defaultLimit: 10,
  maxLimit: 100,
  defaultSort: [{ field: "id", direction: "asc" }],
  filters: {
    name: { field: "name", lookups: DJANGO_TEXT_LOOKUPS },
    uuid: { field: "uuid", lookups: ["in", "exact"], default: "in" },
    organisation__name: { field: "organisation.name", lookups: DJANGO_TEXT_LOOKUPS },
    created: { field: "created", lookups: DJANGO_COMPARE_LOOKUPS },
    size: { field: "size", lookups: ["exact", "range"] },
    scenario: { field: "scenario.id", lookups: ["isnull"] },
  },
  ordering: { name: "name", size: "size", created: "created_at" },
  searchParam: "search",
  passThrough: ["format"],
};

const parse = (query: string, opts: DjangoListOptions = options) => parseDjangoQuery(new URLSearchParams(query), opts);

/** The 400 a query raises, as `[parameter, detail]`. */
function rejection(query: string, opts: DjangoListOptions = options): [string | undefined, string] {
  try {
    parse(query, opts);
  } catch (error) {
    if (error instanceof AppError && error.status === 400) return [error.source?.parameter, error.detail];
    throw error;
  }
  throw new Error(`'${query}' was accepted`);
}

describe("parseDjangoQuery", () => {
  it("reads a bare parameter as its default lookup (exact)", () => {
    expect(parse("name=Rain").filter).toEqual({ kind: "condition", field: "name", op: "eq", value: "Rain", insensitive: false });
  });

  it.each([
    ["name__iexact=rain", "eq", true],
    ["name__contains=ai", "contains", false],
    ["name__icontains=AI", "contains", true],
    ["name__startswith=R", "starts_with", false],
    ["name__istartswith=r", "starts_with", true],
    ["name__endswith=n", "ends_with", false],
    ["name__iendswith=N", "ends_with", true],
  ])("maps %s onto the canonical operator", (query, op, insensitive) => {
    expect(parse(query).filter).toMatchObject({ kind: "condition", field: "name", op, insensitive });
  });

  it("resolves a relation path with a lookup (organisation__name__startswith)", () => {
    expect(parse("organisation__name__startswith=Nelen").filter).toMatchObject({ field: "organisation.name", op: "starts_with", value: "Nelen" });
  });

  it("takes Lizard's comma list for uuid, in any case and with or without dashes", () => {
    const filter = parse("uuid=10415CCB-EC31-4D43-BDB3-DB597061527B,4a544b7a772b45fb9aa4a69447f34f52").filter;
    expect(filter).toMatchObject({ field: "uuid", op: "in", value: ["10415ccb-ec31-4d43-bdb3-db597061527b", "4a544b7a-772b-45fb-9aa4-a69447f34f52"] });
  });

  it("turns isnull into exists with the opposite flag", () => {
    expect(parse("scenario__isnull=true").filter).toMatchObject({ field: "scenario.id", op: "exists", value: false });
    expect(parse("scenario__isnull=False").filter).toMatchObject({ field: "scenario.id", op: "exists", value: true });
  });

  it("parses dates through the field alias and compares with gte", () => {
    expect(parse("created__gte=2017-01-01T00:00:00Z").filter).toMatchObject({ field: "created_at", op: "gte", value: new Date("2017-01-01T00:00:00Z") });
  });

  it("splits range into gte and lte", () => {
    expect(parse("size__range=10,20").filter).toEqual({
      kind: "and",
      nodes: [
        { kind: "condition", field: "size", op: "gte", value: 10n, insensitive: false },
        { kind: "condition", field: "size", op: "lte", value: 20n, insensitive: false },
      ],
    });
  });

  it("ANDs several parameters, skips empty ones and lets the last repeat win", () => {
    const filter = parse("name=a&name=b&organisation__name=&created__lt=2020-01-01");
    expect(filter.filter).toMatchObject({ kind: "and", nodes: [{ field: "name", value: "b" }, { field: "created_at", op: "lt" }] });
  });

  it("ignores pass-through parameters and reads the search term", () => {
    expect(parse("format=json&search=%20rain%20")).toMatchObject({ filter: null, search: "rain" });
  });

  it.each([
    ["foo=1", "foo", "Unknown filter 'foo'"],
    ["name__regex=a", "name__regex", "Unsupported lookup 'regex' on 'name'"],
    ["created__icontains=2017", "created__icontains", "Unsupported lookup 'icontains'"],
    ["scenario=1", "scenario", "'scenario' needs a lookup; use one of scenario__isnull"],
    ["created=yesterday", "created", "'yesterday' is not an ISO 8601 date"],
    ["uuid=not-a-uuid", "uuid", "'not-a-uuid' is not a UUID"],
    ["scenario__isnull=maybe", "scenario__isnull", "'maybe' is not a boolean"],
    ["size__range=10", "size__range", "'range' takes two values"],
    ["ordering=owner", "ordering", "Unknown ordering field 'owner'; allowed: name, size, created"],
    ["page=0", "page", "'0' is not a positive integer"],
    ["page_size=ten", "page_size", "'ten' is not a positive integer"],
  ])("rejects %s with a 400 naming the parameter", (query, parameter, detail) => {
    const [source, message] = rejection(query);
    expect(source).toBe(parameter);
    expect(message).toContain(detail);
  });

  it("refuses ordering on an endpoint that declares none", () => {
    expect(rejection("ordering=name", { ...options, ordering: undefined })[0]).toBe("ordering");
  });

  it("orders by several fields with '-' for descending, else by the default sort", () => {
    expect(parse("ordering=-name,created").sort).toEqual([
      { field: "name", direction: "desc" },
      { field: "created_at", direction: "asc" },
    ]);
    expect(parse("").sort).toEqual([{ field: "id", direction: "asc" }]);
  });

  it("pages by number and size, clamping the size to the maximum as DRF does", () => {
    expect(parse("page=3&page_size=20").page).toEqual({ offset: 40, limit: 20 });
    expect(parse("").page).toEqual({ offset: 0, limit: 10 });
    expect(parse("page_size=1000").page).toEqual({ offset: 0, limit: 100 });
    expect(djangoPageOf({ offset: 40, limit: 20 })).toEqual({ number: 3, size: 20 });
  });

  it("answers a page past the last with 404 'Invalid page.' but always serves page 1", () => {
    expect(() => assertDjangoPageExists({ number: 1, size: 10 }, 0)).not.toThrow();
    expect(() => assertDjangoPageExists({ number: 2, size: 10 }, 11)).not.toThrow();
    expect(() => assertDjangoPageExists({ number: 3, size: 10 }, 20)).toThrow(expect.objectContaining({ status: 404, detail: "Invalid page." }));
  });
});
