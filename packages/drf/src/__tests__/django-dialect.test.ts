import { AppError, type FieldCatalog } from "@assets/core";
import {
  assertDjangoPageExists,
  DJANGO_COMPARE_LOOKUPS,
  DJANGO_TEXT_LOOKUPS,
  djangoPageOf,
  lastDjangoPage,
  parseDjangoQuery,
  type DjangoListOptions,
} from "../django-dialect.js";

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
    ["created=yesterday", "created", "'yesterday' is not an ISO 8601 date"],
    ["uuid=not-a-uuid", "uuid", "'not-a-uuid' is not a UUID"],
    ["scenario__isnull=maybe", "scenario__isnull", "'maybe' is not a boolean"],
    ["size__range=10", "size__range", "'range' takes two values"],
  ])("rejects %s with a 400 naming the parameter", (query, parameter, detail) => {
    const [source, message] = rejection(query);
    expect(source).toBe(parameter);
    expect(message).toContain(detail);
  });

  // django-filter builds its form from the declared filters only, and DRF's OrderingFilter drops
  // terms naming no declared field (remove_invalid_fields).
  it.each(["foo=1", "name__regex=a", "created__icontains=2017", "scenario=1", "__proto__=1", "constructor__in=1", "toString=1", "ordering=owner", "ordering=__proto__,-toString"])(
    "ignores %s, which the endpoint does not declare",
    (query) => {
      expect(parse(query)).toMatchObject({ filter: null, sort: [{ field: "id", direction: "asc" }] });
    },
  );

  it("keeps the declared ordering terms beside undeclared ones", () => {
    expect(parse("ordering=owner,-size").sort).toEqual([{ field: "size", direction: "desc" }]);
  });

  it("ignores ordering on an endpoint that declares none, as an undeclared parameter", () => {
    expect(parse("ordering=name", { ...options, ordering: undefined }).sort).toEqual([{ field: "id", direction: "asc" }]);
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

  // PageNumberPagination.get_page_size: _positive_int(strict=True) failing falls back to page_size.
  it.each(["page_size=ten", "page_size=0", "page_size=-5", "page_size=", "page_size=2.5"])("reads %s as the default page size", (query) => {
    expect(parse(query).page).toEqual({ offset: 0, limit: 10 });
  });

  it("reads page and page_size as Python's int() does, the last of repeated ones winning (QueryDict)", () => {
    expect(parse("page=%202%20&page_size=+5").page).toEqual({ offset: 5, limit: 5 });
    expect(parse("page=1_0&page_size=1").page).toEqual({ offset: 9, limit: 1 });
    expect(parse("page=2&page=3&page_size=20&page_size=5").page).toEqual({ offset: 10, limit: 5 });
    expect(parse("page=").page).toEqual({ offset: 0, limit: 10 });
  });

  // Django's Paginator.validate_number: PageNotAnInteger or EmptyPage, which DRF answers NotFound("Invalid page.").
  it.each(["page=0", "page=-1", "page=abc", "page=2.5", "page=first", "page=LAST", "page=99999999999999999999"])("answers %s with 404 'Invalid page.'", (query) => {
    expect(() => parse(query)).toThrow(expect.objectContaining({ status: 404, detail: "Invalid page." }));
  });

  it("reads page=last (last_page_strings) as the first page until the count moves it to the last", () => {
    expect(parse("page=last&page_size=20")).toMatchObject({ lastPage: true, page: { offset: 0, limit: 20 } });
    expect(parse("page=2")).toMatchObject({ lastPage: false });
    expect(lastDjangoPage({ offset: 0, limit: 20 }, 41)).toEqual({ offset: 40, limit: 20 });
    expect(lastDjangoPage({ offset: 0, limit: 20 }, 40)).toEqual({ offset: 20, limit: 20 });
    expect(lastDjangoPage({ offset: 0, limit: 20 }, 0)).toEqual({ offset: 0, limit: 20 });
  });

  it("answers a page past the last with 404 'Invalid page.' but always serves page 1", () => {
    expect(() => assertDjangoPageExists({ number: 1, size: 10 }, 0)).not.toThrow();
    expect(() => assertDjangoPageExists({ number: 2, size: 10 }, 11)).not.toThrow();
    expect(() => assertDjangoPageExists({ number: 3, size: 10 }, 20)).toThrow(expect.objectContaining({ status: 404, detail: "Invalid page." }));
  });
});
