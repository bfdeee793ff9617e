import { createTestDatabase, listPage, type Database, type FieldCatalog } from "@assets/core";
import { parseDynamicRestQuery, type DynamicRestListOptions } from "../dynamic-rest-query.js";

/**
 * Each dynamic-rest operator run against PostgreSQL (or PGlite): the rows a
 * query returns are compared with the rows the operator's Django meaning
 * selects from the same fixture, written out here by hand.
 */

const fields: FieldCatalog = {
  pk: { type: "integer", path: ["id"] },
  title: { type: "string", path: ["name"], search: true },
  abstract: { type: "string", path: ["description"], search: true },
  date: { type: "datetime", path: ["created_at"] },
  "owner.username": { type: "string", path: ["owner", "username"] },
  "owner.pk": { type: "integer", path: ["owner_id"], nullable: true },
  keywords: { type: "string[]", path: ["tags"] },
};
const options: DynamicRestListOptions = { fields, defaultLimit: 100, defaultSort: [{ field: "title", direction: "asc" }] };

const ROWS = [
  { name: "Rain radar", description: "KNMI 5 min", tags: ["rain", "radar"], owner: "ada", created_at: "2024-01-10T00:00:00Z" },
  { name: "rainfall 100%", description: "Yearly", tags: ["rain"], owner: "bob", created_at: "2024-02-10T00:00:00Z" },
  { name: "Elevation AHN", description: "0.5 m", tags: ["dem"], owner: "ada", created_at: "2024-03-10T00:00:00Z" },
  { name: "Land use_2020", description: "", tags: [], owner: null, created_at: "2024-04-10T00:00:00Z" },
];

let db: Database;

beforeAll(async () => {
  db = await createTestDatabase();
  const users = new Map<string, number>();
  for (const username of ["ada", "bob"]) users.set(username, (await db.prisma.user.create({ data: { username } })).id);
  for (const row of ROWS) {
    await db.prisma.resource.create({
      data: { type: "dataset", name: row.name, description: row.description, tags: row.tags, created_at: new Date(row.created_at), owner_id: row.owner ? users.get(row.owner)! : null },
    });
  }
});

afterAll(async () => {
  await db?.close();
});

async function titles(query: string): Promise<string[]> {
  const parsed = parseDynamicRestQuery(new URLSearchParams(query), options);
  const { rows } = await listPage(db.prisma.resource, parsed, { fields });
  return rows.map((row) => row.name);
}

describe("dynamic-rest operators against the database", () => {
  it.each([
    ["filter{title}=Rain radar", ["Rain radar"]],
    ["filter{title.eq}=rain radar", []],
    ["filter{title.iexact}=rain RADAR", ["Rain radar"]],
    ["filter{title.contains}=ain", ["Rain radar", "rainfall 100%"]],
    ["filter{title.contains}=Rain", ["Rain radar"]],
    ["filter{title.icontains}=RAIN", ["Rain radar", "rainfall 100%"]],
    // % and _ are literal characters, not LIKE wildcards.
    ["filter{title.icontains}=100%25", ["rainfall 100%"]],
    ["filter{title.icontains}=e_2", ["Land use_2020"]],
    ["filter{title.startswith}=rain", ["rainfall 100%"]],
    ["filter{title.istartswith}=RAIN", ["Rain radar", "rainfall 100%"]],
    ["filter{title.endswith}=AHN", ["Elevation AHN"]],
    ["filter{title.iendswith}=ahn", ["Elevation AHN"]],
    ["filter{title.in}=Rain radar&filter{title.in}=Elevation AHN", ["Elevation AHN", "Rain radar"]],
    ["filter{date.gt}=2024-02-10", ["Elevation AHN", "Land use_2020"]],
    ["filter{date.gte}=2024-02-10", ["Elevation AHN", "Land use_2020", "rainfall 100%"]],
    ["filter{date.lt}=2024-02-10", ["Rain radar"]],
    ["filter{date.lte}=2024-02-10", ["Rain radar", "rainfall 100%"]],
    ["filter{date.range}=2024-02-01&filter{date.range}=2024-03-31", ["Elevation AHN", "rainfall 100%"]],
    ["filter{owner.pk.isnull}=true", ["Land use_2020"]],
    ["filter{owner.pk.isnull}=false", ["Elevation AHN", "Rain radar", "rainfall 100%"]],
    ["filter{owner.username}=ada", ["Elevation AHN", "Rain radar"]],
    ["filter{owner.username.icontains}=BO", ["rainfall 100%"]],
    ["filter{keywords.in}=dem&filter{keywords.in}=radar", ["Elevation AHN", "Rain radar"]],
    ["filter{-title.icontains}=rain", ["Elevation AHN", "Land use_2020"]],
    ["filter{-owner.username}=ada&filter{owner.pk.isnull}=false", ["rainfall 100%"]],
    ["filter{title.icontains}=rain&filter{abstract.icontains}=knmi", ["Rain radar"]],
  ])("%s", async (query, expected) => {
    // Compared as sets: the database's collation decides the order of "Rain radar" and "rainfall 100%".
    expect((await titles(query)).sort()).toEqual([...expected].sort());
  });

  it("sort[] orders by a related field and then by the tie-breaker", async () => {
    expect(await titles("sort[]=-owner.username&sort[]=title&filter{owner.pk.isnull}=false")).toEqual(["rainfall 100%", "Elevation AHN", "Rain radar"]);
  });

  it("search with search_fields matches each term in one of the named fields", async () => {
    expect(await titles("search=rain%20knmi&search_fields=title&search_fields=abstract")).toEqual(["Rain radar"]);
    expect(await titles("search=ada&search_fields=owner.username")).toEqual(["Elevation AHN", "Rain radar"]);
  });

  it("pages with page and page_size", async () => {
    const all = await titles("page_size=100");
    expect(await titles("page=2&page_size=3")).toEqual(all.slice(3));
    expect(all).toHaveLength(4);
  });
});
