import { AppError, type FieldCatalog, type FilterNode } from "@assets/core";
import { parseDynamicRestQuery, type DynamicRestListOptions } from "../dynamic-rest-query.js";

const fields: FieldCatalog = {
  pk: { type: "integer", path: ["id"], aliases: ["id"] },
  title: { type: "string", path: ["name"], search: true },
  abstract: { type: "string", path: ["description"], search: true },
  subtype: { type: "enum", path: ["subtype"], values: ["vector", "raster", "remote"] },
  date: { type: "datetime", path: ["created_at"] },
  is_published: { type: "boolean", path: ["is_published"] },
  srid: { type: "string", path: ["srid"], nullable: true },
  "owner.username": { type: "string", path: ["owner", "username"] },
  "keywords.name": { type: "string", path: ["keywords", "name"], via: ["many"] },
  ll_minx: { type: "float", path: ["ll_minx"], nullable: true },
  ll_miny: { type: "float", path: ["ll_miny"], nullable: true },
  ll_maxx: { type: "float", path: ["ll_maxx"], nullable: true },
  ll_maxy: { type: "float", path: ["ll_maxy"], nullable: true },
};

const options: DynamicRestListOptions = {
  fields,
  defaultLimit: 10,
  maxLimit: 1000,
  defaultSort: [{ field: "date", direction: "desc" }],
  presets: { bare: { exclude: ["*"], include: ["pk", "title"] } },
  extent: { minx: "ll_minx", miny: "ll_miny", maxx: "ll_maxx", maxy: "ll_maxy" },
};

const parse = (query: string, opts: DynamicRestListOptions = options) => parseDynamicRestQuery(new URLSearchParams(query), opts);
const cond = (field: string, op: string, value: unknown, insensitive = false): FilterNode => ({ kind: "condition", field, op, value, insensitive }) as FilterNode;

/** The 400 a query raises, as `[parameter, detail]`. */
function rejection(query: string): [string | undefined, string] {
  try {
    parse(query);
  } catch (error) {
    if (error instanceof AppError && error.status === 400) return [error.source?.parameter, error.detail];
    throw error;
  }
  throw new Error(`'${query}' was accepted`);
}

describe("parseDynamicRestQuery: filter{field.operator}", () => {
  it.each([
    ["filter{title}=Rain", cond("title", "eq", "Rain")],
    ["filter{title.eq}=Rain", cond("title", "eq", "Rain")],
    ["filter{title.iexact}=rain", cond("title", "eq", "rain", true)],
    ["filter{title.contains}=ai", cond("title", "contains", "ai")],
    ["filter{title.icontains}=AI", cond("title", "contains", "AI", true)],
    ["filter{title.startswith}=Ra", cond("title", "starts_with", "Ra")],
    ["filter{title.istartswith}=ra", cond("title", "starts_with", "ra", true)],
    ["filter{title.endswith}=in", cond("title", "ends_with", "in")],
    ["filter{title.iendswith}=IN", cond("title", "ends_with", "IN", true)],
    ["filter{pk.gt}=3", cond("pk", "gt", 3)],
    ["filter{pk.gte}=3", cond("pk", "gte", 3)],
    ["filter{pk.lt}=3", cond("pk", "lt", 3)],
    ["filter{pk.lte}=3", cond("pk", "lte", 3)],
    ["filter{date.gte}=2024-01-02T03:04:05", cond("date", "gte", new Date("2024-01-02T03:04:05Z"))],
  ])("%s", (query, expected) => {
    expect(parse(query).filter).toEqual(expected);
  });

  it("in: each repeated parameter is one value, as the QGIS plugin sends filter{subtype.in}", () => {
    expect(parse("filter{subtype.in}=vector&filter{subtype.in}=raster").filter).toEqual(cond("subtype", "in", ["vector", "raster"]));
  });

  it("in: a value is not split on commas (dynamic-rest passes the list as is)", () => {
    expect(parse("filter{title.in}=a,b").filter).toEqual(cond("title", "in", ["a,b"]));
  });

  it("range: two repeated values, or one low,high pair, become gte and lte", () => {
    const expected = { kind: "and", nodes: [cond("pk", "gte", 2), cond("pk", "lte", 5)] };
    expect(parse("filter{pk.range}=2&filter{pk.range}=5").filter).toEqual(expected);
    expect(parse("filter{pk.range}=2,5").filter).toEqual(expected);
    expect(rejection("filter{pk.range}=2")).toEqual(["filter{pk.range}", "'range' takes two values: a lower and an upper bound"]);
  });

  it.each([
    ["true", false],
    ["1", false],
    ["yes", false],
    ["false", true],
    ["0", true],
    ["", true],
  ])("isnull=%s reads the value as dynamic-rest's is_truthy (exists %s)", (raw, exists) => {
    expect(parse(`filter{srid.isnull}=${raw}`).filter).toEqual({ kind: "condition", field: "srid", op: "exists", value: exists });
  });

  it("boolean fields read their value as is_truthy", () => {
    expect(parse("filter{is_published}=True").filter).toEqual(cond("is_published", "eq", true));
    expect(parse("filter{is_published}=no").filter).toEqual(cond("is_published", "eq", true));
    expect(parse("filter{is_published}=0").filter).toEqual(cond("is_published", "eq", false));
  });

  it("follows related paths: filter{owner.username}, filter{keywords.name.icontains}", () => {
    expect(parse("filter{owner.username}=ada").filter).toEqual(cond("owner.username", "eq", "ada"));
    expect(parse("filter{keywords.name.icontains}=Water").filter).toEqual(cond("keywords.name", "contains", "Water", true));
  });

  it("filter{-field} excludes the matches", () => {
    expect(parse("filter{-title.icontains}=draft").filter).toEqual({ kind: "not", node: cond("title", "contains", "draft", true) });
  });

  it("ANDs several filters, and takes the first of repeated single-valued ones (dynamic-rest's value[0])", () => {
    expect(parse("filter{title}=A&filter{title}=B&filter{pk.gt}=1").filter).toEqual({ kind: "and", nodes: [cond("title", "eq", "A"), cond("pk", "gt", 1)] });
  });

  it("accepts the trailing [] some clients add (filter{pk.in}[]=1)", () => {
    expect(parse("filter{pk.in}[]=1&filter{pk.in}[]=2").filter).toEqual(cond("pk", "in", [1, 2]));
  });

  it.each([
    ["filter{nope}=1", "filter{nope}", "Invalid filter field: nope"],
    ["filter{title.nope}=1", "filter{title.nope}", "Invalid filter field: title.nope"],
    ["filter{owner.password}=x", "filter{owner.password}", "Invalid filter field: owner.password"],
    ["filter{title=1", "filter{title", '"filter{title" is not a well-formed filter key.'],
    ["filter{title..eq}=1", "filter{title..eq}", '"filter{title..eq}" is not a well-formed filter key.'],
    ["filter{date.year}=2024", "filter{date.year}", "Unsupported filter operator 'year'; supported: in, icontains, contains, startswith, istartswith, endswith, iendswith, range, gt, lt, gte, lte, isnull, eq, iexact"],
    ["filter{pk}=abc", "filter{pk}", "'abc' is not an integer"],
    ["filter{subtype}=vectorish", "filter{subtype}", "'vectorish' is not one of vector, raster, remote"],
    ["filter{date.gt}=yesterday", "filter{date.gt}", "'yesterday' is not an ISO 8601 date or date-time"],
    ["filter{pk.icontains}=1", "filter{pk.icontains}", expect.stringContaining("Operator 'contains' is not allowed on integer field 'pk'")],
    ["filter{}=%7B%7D", "filter{}", expect.stringContaining("Complex filters")],
    ["filter{title}=a%00b", "filter{title}", "Query parameters may not contain NUL characters (%00)"],
  ])("%s is a 400", (query, parameter, detail) => {
    expect(rejection(query)).toEqual([parameter, detail]);
  });
});

describe("parseDynamicRestQuery: sort[], ordering, search", () => {
  it("sort[] is repeated, - descending, related paths allowed", () => {
    expect(parse("sort[]=-title&sort[]=owner.username").sort).toEqual([
      { field: "title", direction: "desc" },
      { field: "owner.username", direction: "asc" },
    ]);
  });

  it("sort[] naming an unknown field is a 400 (DynamicSortingFilter)", () => {
    expect(rejection("sort[]=title&sort[]=-nope")).toEqual(["sort[]", "Invalid filter field: -nope"]);
  });

  it("ordering= is DRF's comma list; unknown terms are dropped", () => {
    expect(parse("ordering=-date,nope,title").sort).toEqual([
      { field: "date", direction: "desc" },
      { field: "title", direction: "asc" },
    ]);
  });

  it("without a sort, the endpoint's default applies", () => {
    expect(parse("").sort).toEqual([{ field: "date", direction: "desc" }]);
  });

  it("search without search_fields uses the catalog's search fields", () => {
    const query = parse("search=rotterdam");
    expect(query.search).toBe("rotterdam");
    expect(query.filter).toBeNull();
  });

  it("search with search_fields matches every term in one of the named fields", () => {
    const query = parse("search=rain%20delft&search_fields=title&search_fields=^owner.username");
    expect(query.search).toBeNull();
    expect(query.filter).toEqual({
      kind: "and",
      nodes: ["rain", "delft"].map((term) => ({ kind: "or", nodes: [cond("title", "contains", term, true), cond("owner.username", "starts_with", term, true)] })),
    });
  });

  it("search_fields naming no text field is a 400", () => {
    expect(rejection("search=x&search_fields=pk")).toEqual(["search_fields", "Invalid search field: pk"]);
    expect(rejection("search=x&search_fields=$title")).toEqual(["search_fields", "Regular-expression search ($field) is not supported"]);
  });
});

describe("parseDynamicRestQuery: page and page_size", () => {
  it("defaults to page 1 of the endpoint's default size", () => {
    expect(parse("").page).toEqual({ offset: 0, limit: 10 });
  });

  it("page and page_size give the offset", () => {
    expect(parse("page=3&page_size=25").page).toEqual({ offset: 50, limit: 25 });
  });

  it("a page_size that is no positive integer falls back to the default; one above the maximum is clamped", () => {
    expect(parse("page_size=abc").page.limit).toBe(10);
    expect(parse("page_size=0").page.limit).toBe(10);
    expect(parse("page_size=5000").page.limit).toBe(1000);
  });

  it("page=last is resolved after counting; a page that is no positive integer is a 404", () => {
    expect(parse("page=last").lastPage).toBe(true);
    expect(() => parse("page=0")).toThrow(expect.objectContaining({ status: 404, detail: "Invalid page." }));
    expect(() => parse("page=x")).toThrow(expect.objectContaining({ status: 404 }));
  });
});

describe("parseDynamicRestQuery: include[], exclude[], api_preset", () => {
  it("builds dynamic-rest's request-fields tree", () => {
    expect(parse("include[]=owner.username&include[]=attribute_set&exclude[]=abstract").fields).toEqual({
      owner: { username: true },
      attribute_set: true,
      abstract: false,
    });
  });

  it("an exclude wins over an include of the same field", () => {
    expect(parse("include[]=abstract&exclude[]=abstract").fields).toEqual({ abstract: false });
  });

  it("api_preset adds its include/exclude under the request's own", () => {
    expect(parse("api_preset=bare").fields).toEqual({ "*": false, pk: true, title: true });
    expect(parse("api_preset=bare&exclude[]=title&include[]=abstract").fields).toEqual({ "*": false, pk: true, title: false, abstract: true });
  });

  it("an unknown api_preset is ignored", () => {
    expect(parse("api_preset=nope").fields).toEqual({});
  });

  it("an empty segment before the last is a 400", () => {
    expect(rejection("include[]=owner..username")).toEqual(["include[]", '"owner..username" is not a valid field.']);
  });
});

describe("parseDynamicRestQuery: extent", () => {
  const box = (minx: number, miny: number, maxx: number, maxy: number) => ({
    kind: "and",
    nodes: [cond("ll_minx", "lte", maxx), cond("ll_maxx", "gte", minx), cond("ll_miny", "lte", maxy), cond("ll_maxy", "gte", miny)],
  });

  it("keeps the rows whose WGS84 box intersects minx,miny,maxx,maxy", () => {
    expect(parse("extent=4,51,5,52.5").filter).toEqual(box(4, 51, 5, 52.5));
  });

  it("several boxes: rows intersecting any of them", () => {
    expect(parse("extent=0,0,1,1,10,10,11,11").filter).toEqual({ kind: "or", nodes: [box(0, 0, 1, 1), box(10, 10, 11, 11)] });
  });

  it("a box whose minx is east of its maxx crosses the antimeridian and is split", () => {
    expect(parse("extent=170,-10,-170,10").filter).toEqual({ kind: "or", nodes: [box(170, -10, 180, 10), box(-180, -10, -170, 10)] });
  });

  it.each(["1,2,3", "a,b,c,d", "1,2,3,4,5", "0,5,1,4"])("extent=%s is a 400", (raw) => {
    expect(rejection(`extent=${raw}`)[0]).toBe("extent");
  });

  it("is refused on an endpoint without bounding boxes", () => {
    expect(() => parse("extent=0,0,1,1", { ...options, extent: undefined })).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe("parseDynamicRestQuery: patch-all", () => {
  it.each([
    ["", null],
    ["patch-all=true", true],
    ["patch-all=1", true],
    ["patch-all=query", "query"],
  ])("%s → %s", (query, expected) => {
    expect(parse(query).patchAll).toBe(expected);
  });

  it("patch-all=false is a 400, as in dynamic-rest", () => {
    expect(rejection("patch-all=false")).toEqual(["patch-all", '"false" is not valid for patch-all']);
  });
});
