/**
 * `GET /datocms/uploads`'s query language (filter[fields] with DatoCMS's operators, filter[query],
 * locale, order_by), through the core's query engine. Every expectation comes from the files made
 * here: which asset has which type, tags, texts and pixel size is known by construction, and sizes
 * are what stat(1) reports.
 */
import { stat } from "node:fs/promises";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Express } from "express";
import request from "supertest";
import type { Database } from "@assets/core";
import { imageAssetPlugin } from "@assets/image-asset";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { ingestAsset, md5sum, plainFile, solidImage } from "./helpers/datocms.js";

type Auth = Record<string, string>;

/** This file asks many questions quickly; DatoCMS's 60 per 3 s is test/datocms-rate-limit.test.ts's subject. */
const UNLIMITED = { limit: 1_000_000, windowMs: 1000 };

/** What each asset is made of: the truth the filters are checked against. */
interface Made {
  file: string;
  type: string;
  fields?: Record<string, string>;
}

let db: Database;
let app: Express;
let dir: string;
let owner: Auth;
const made: Record<string, Made> = {};
const ids: Record<string, string> = {};
const sizes: Record<string, number> = {};

const ASSET_NAMES = ["icon", "tall", "square", "wide", "pdf", "zip", "csv", "mp3"] as const;
type Name = (typeof ASSET_NAMES)[number];

beforeAll(async () => {
  ({ db, app } = await createTestApp({ plugins: [imageAssetPlugin({ rateLimit: UNLIMITED, locales: ["en", "it"] })] }));
  dir = await mkdtemp(join(tmpdir(), "datocms-query-"));
  ({ auth: owner } = await userWithKey(db, "owner"));
  const metadata = (value: unknown) => JSON.stringify(value);
  made.icon = {
    file: await solidImage(dir, "red-cat.png", 50, 40),
    type: "image",
    fields: {
      author: "Ada Lovelace", notes: "Nyan the cat", tags: "cats,red",
      default_field_metadata: metadata({ en: { alt: "A red cat", title: "Cat" }, it: { alt: "Un gatto rosso", title: "Gatto" } }),
    },
  };
  made.tall = { file: await solidImage(dir, "tall.jpg", 300, 400, "jpeg"), type: "image", fields: { copyright: "2020 DatoCMS", tags: "cats", default_field_metadata: metadata({ en: { alt: "Tall tower" } }) } };
  made.square = { file: await solidImage(dir, "square.png", 1500, 1500), type: "image", fields: { notes: "ABC-123 (draft)", tags: "dogs" } };
  made.wide = { file: await solidImage(dir, "wide.jpg", 2100, 300, "jpeg"), type: "image" };
  made.pdf = { file: await plainFile(dir, "manual.pdf"), type: "pdfdocument", fields: { author: "Grace Hopper" } };
  made.zip = { file: await plainFile(dir, "bundle.zip", "not really a zip archive, but declared as one\n"), type: "archive" };
  made.csv = { file: await plainFile(dir, "sheet.csv", "a,b\n1,2\n3,4\n"), type: "spreadsheet" };
  made.mp3 = { file: await plainFile(dir, "song.mp3", "ID3 not really audio\n"), type: "audio" };
  for (const name of ASSET_NAMES) {
    ids[name] = String(await ingestAsset(app, db, owner, made[name]!.file, made[name]!.fields));
    sizes[name] = (await stat(made[name]!.file)).size;
  }
}, 180_000);

afterAll(async () => {
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const get = (query: string) => request(app).get(`/datocms/uploads?${query}`).set(owner).set("X-Api-Version", "3");

/** The names of the assets a query answers, in the order answered. */
async function names(query: string): Promise<string[]> {
  const res = await get(`${query}${query ? "&" : ""}page[limit]=500`);
  if (res.status !== 200) throw new Error(`${query} answered ${res.status}: ${res.text}`);
  const byId = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
  return (res.body.data as { id: string }[]).map((u) => byId.get(u.id) ?? `?${u.id}`);
}

/** The same, as a set (sorted), for filters whose order is not the point. */
async function matching(query: string): Promise<string[]> {
  return (await names(query)).sort();
}

const where = (test: (name: Name) => boolean): string[] => ASSET_NAMES.filter(test).sort();

describe("ordered comparisons and equality on the file's facts", () => {
  const PIXELS: Partial<Record<Name, [number, number]>> = { icon: [50, 40], tall: [300, 400], square: [1500, 1500], wide: [2100, 300] };
  const middle = () => [...Object.values(sizes)].sort((a, b) => a - b)[3]!;
  it.each([
    ["size", "gt", () => middle(), (n: Name) => sizes[n]! > middle()],
    ["size", "lte", () => middle(), (n: Name) => sizes[n]! <= middle()],
    ["size", "eq", () => sizes.csv!, (n: Name) => sizes[n] === sizes.csv],
    ["width", "gte", () => 300, (n: Name) => (PIXELS[n]?.[0] ?? -1) >= 300],
    ["height", "lt", () => 400, (n: Name) => PIXELS[n] !== undefined && PIXELS[n]![1] < 400],
    ["width", "neq", () => 1500, (n: Name) => PIXELS[n]?.[0] !== 1500],
  ])("%s %s", async (field, op, value, test) => {
    expect(await matching(`filter[fields][${field}][${op}]=${value()}`)).toEqual(where(test));
  });

  it("compares _created_at and _updated_at with dates", async () => {
    expect(await matching("filter[fields][_created_at][gt]=2000-01-01")).toEqual(where(() => true));
    expect(await matching("filter[fields][_updated_at][lt]=2000-01-01T00:00:00Z")).toEqual([]);
  });

  it.each([
    ["format", "eq", "png", (n: Name) => made[n]!.file.endsWith(".png")],
    ["mime_type", "in", "text/csv,audio/mpeg", (n: Name) => n === "csv" || n === "mp3"],
    ["mime_type", "notIn", "image/png,image/jpeg", (n: Name) => made[n]!.type !== "image"],
    ["format", "neq", "jpg", (n: Name) => !/\.jpe?g$/.test(made[n]!.file)],
  ])("%s %s %s", async (field, op, value, test) => {
    expect(await matching(`filter[fields][${field}][${op}]=${value}`)).toEqual(where(test));
  });

  it("finds by md5 and path", async () => {
    const { body } = await get(`filter[ids]=${ids.zip}`);
    const { md5, path } = body.data[0].attributes;
    expect(md5).toBe(md5sum(made.zip!.file));
    expect(await matching(`filter[fields][md5][eq]=${md5}`)).toEqual(["zip"]);
    expect(await matching(`filter[fields][path][eq]=${encodeURIComponent(path)}`)).toEqual(["zip"]);
    expect(await matching(`filter[fields][md5][neq]=${md5}`)).toEqual(where((n) => n !== "zip"));
  });
});

describe("filter[fields][type]", () => {
  it.each([
    ["eq", "image", (n: Name) => made[n]!.type === "image"],
    ["neq", "image", (n: Name) => made[n]!.type !== "image"],
    ["in", "pdfdocument,archive", (n: Name) => ["pdfdocument", "archive"].includes(made[n]!.type)],
    ["notIn", "image,audio", (n: Name) => !["image", "audio"].includes(made[n]!.type)],
  ])("%s %s", async (op, value, test) => {
    expect(await matching(`filter[fields][type][${op}]=${value}`)).toEqual(where(test));
  });

  it("refuses a type DatoCMS does not have, naming the parameter", async () => {
    const res = await get("filter[fields][type][eq]=picture");
    expect(res.status).toBe(422);
    expect(res.body.data[0].attributes).toMatchObject({ code: "INVALID_FILTER_FIELDS_PARAM", details: expect.objectContaining({ parameter: "filter[fields][type][eq]" }) });
  });
});

describe("filter[fields][tags] and [smart_tags]", () => {
  const tags: Partial<Record<Name, string[]>> = { icon: ["cats", "red"], tall: ["cats"], square: ["dogs"] };
  const has = (n: Name, tag: string) => (tags[n] ?? []).includes(tag);
  it.each([
    ["contains", "cats", (n: Name) => has(n, "cats")],
    ["anyIn", "red,dogs", (n: Name) => has(n, "red") || has(n, "dogs")],
    ["allIn", "cats,red", (n: Name) => has(n, "cats") && has(n, "red")],
    ["notIn", "cats", (n: Name) => !has(n, "cats")],
  ])("tags %s %s", async (op, value, test) => {
    expect(await matching(`filter[fields][tags][${op}]=${value}`)).toEqual(where(test));
  });

  it("smart_tags, empty here (no tagging model), match nothing and exclude nothing", async () => {
    expect(await matching("filter[fields][smart_tags][contains]=cat")).toEqual([]);
    expect(await matching("filter[fields][smart_tags][notIn]=cat")).toEqual(where(() => true));
  });
});

describe("text fields: exists, matches, notMatches", () => {
  const text = (n: Name, field: string) => made[n]!.fields?.[field];
  it.each([
    ["author", "true", (n: Name) => text(n, "author") !== undefined],
    ["author", "false", (n: Name) => text(n, "author") === undefined],
    ["copyright", "true", (n: Name) => text(n, "copyright") !== undefined],
    ["notes", "false", (n: Name) => text(n, "notes") === undefined],
  ])("%s exists=%s", async (field, flag, test) => {
    expect(await matching(`filter[fields][${field}][exists]=${flag}`)).toEqual(where(test));
  });

  it("matches a substring case-insensitively unless case_sensitive is true", async () => {
    expect(await matching("filter[fields][notes][matches][pattern]=THE CAT")).toEqual(["icon"]);
    expect(await matching("filter[fields][notes][matches][pattern]=THE CAT&filter[fields][notes][matches][case_sensitive]=true")).toEqual([]);
    expect(await matching("filter[fields][notes][matches][pattern]=the cat&filter[fields][notes][matches][case_sensitive]=true")).toEqual(["icon"]);
    // Not a LIKE wildcard: `(` and `%` are themselves.
    expect(await matching("filter[fields][notes][matches][pattern]=(draft)")).toEqual(["square"]);
    expect(await matching("filter[fields][author][matches][pattern]=%")).toEqual([]);
  });

  it("notMatches keeps every asset whose text does not match, those without one included", async () => {
    expect(await matching("filter[fields][author][notMatches][pattern]=ada")).toEqual(where((n) => !(text(n, "author") ?? "").toLowerCase().includes("ada")));
    expect(await matching("filter[fields][notes][notMatches][pattern]=cat&filter[fields][type][eq]=image")).toEqual(["square", "tall", "wide"]);
  });
});

/** The classes of the images made above (longer side 50, 400, 1500, 2100 px; the thresholds are 128/1024/2048). */
const RESOLUTION: Partial<Record<Name, string>> = { icon: "icon", tall: "small", square: "medium", wide: "large" };
const ORIENTATION: Partial<Record<Name, string>> = { icon: "landscape", tall: "portrait", square: "square", wide: "landscape" };
const RANK = ["icon", "small", "medium", "large"];

describe("matches with regexp: PostgreSQL regular expressions", () => {
  const regexp = (field: string, pattern: string, op = "matches", caseSensitive = false) =>
    `filter[fields][${field}][${op}][pattern]=${encodeURIComponent(pattern)}&filter[fields][${field}][${op}][regexp]=true&filter[fields][${field}][${op}][case_sensitive]=${caseSensitive}`;

  it("matches PostgreSQL's regular expressions, case-insensitively unless asked", async () => {
    expect(await matching(regexp("notes", "^[a-z]{3}-[0-9]+"))).toEqual(["square"]);
    expect(await matching(regexp("notes", "^[a-z]{3}-[0-9]+", "matches", true))).toEqual([]);
    expect(await matching(regexp("author", "^(ada|grace) "))).toEqual(["icon", "pdf"]);
    // A PostgreSQL class shorthand (\m: start of a word) JavaScript does not have.
    expect(await matching(regexp("notes", "\\mcat"))).toEqual(["icon"]);
  });

  it("notMatches with regexp keeps the rest, those without the text included", async () => {
    expect(await matching(regexp("author", "^ada", "notMatches"))).toEqual(where((n) => n !== "icon"));
  });

  it("refuses an expression PostgreSQL cannot compile with 422 INVALID_FIELD, not a 500", async () => {
    const res = await get(regexp("notes", "(unclosed"));
    expect(res.status).toBe(422);
    expect(res.body.data[0].attributes).toMatchObject({ code: "INVALID_FIELD", details: expect.objectContaining({ field: "notes", parameter: "filter[fields][notes][matches]" }) });
  });
});

describe("alt and title in a locale, and filter[query]", () => {
  // Made above: icon has en and it alt/title, tall an en alt only.
  it.each([
    ["filter[fields][alt][exists]=true", ["icon", "tall"]],
    ["filter[fields][alt][exists]=true&locale=it", ["icon"]],
    ["filter[fields][title][exists]=false", where((n) => n !== "icon")],
    ["filter[fields][alt][matches][pattern]=RED", ["icon"]],
    ["filter[fields][alt][matches][pattern]=rosso", []],
    ["filter[fields][alt][matches][pattern]=rosso&locale=it", ["icon"]],
    ["filter[fields][alt][notMatches][pattern]=cat", where((n) => n !== "icon")],
    ["filter[fields][title][matches][pattern]=^Gat&filter[fields][title][matches][regexp]=true&locale=it", ["icon"]],
  ])("%s", async (query, expected) => {
    expect(await matching(query)).toEqual(expected);
  });

  it.each([
    ["tower", ["tall"]],
    ["tower&locale=it", []],
    ["gatto", []],
    ["gatto&locale=it", ["icon"]],
    ["nyan", ["icon"]],
    ["bundle", ["zip"]],
    ["CAT", ["icon"]],
  ])("filter[query]=%s searches filename, basename, notes, alt and title within the locale", async (query, expected) => {
    expect(await matching(`filter[query]=${query}`)).toEqual(expected);
  });

  it.each(["en_US!", "fr"])("refuses locale=%s, which is not one of the site's (en, it)", async (locale) => {
    const res = await get(`filter[query]=x&locale=${locale}`);
    expect(res.status).toBe(422);
    expect(res.body.data[0].attributes).toMatchObject({ code: "INVALID_PARAMS", details: expect.objectContaining({ parameter: "locale" }) });
  });
});

describe("filter[fields][in_use]", () => {
  // No resource references another here (plugins/image-asset/src/profile/in-use.ts), so none of these uploads is in use.
  it("in_use=false is every upload, in_use=true none, beside other filters", async () => {
    expect(await matching("filter[fields][in_use][eq]=false")).toEqual(where(() => true));
    expect(await matching("filter[fields][in_use][eq]=false&filter[fields][type][eq]=audio")).toEqual(["mp3"]);
    expect(await matching("filter[fields][in_use][eq]=true")).toEqual([]);
    expect((await get("filter[fields][in_use][eq]=true")).body.meta).toEqual({ total_count: 0 });
  });

  it.each(["filter[fields][in_use][eq]=maybe", "filter[fields][in_use][gt]=true"])("refuses %s with 422 naming the parameter", async (query) => {
    const res = await get(query);
    expect(res.status).toBe(422);
    expect(res.body.data[0].attributes).toMatchObject({ code: "INVALID_FILTER_FIELDS_PARAM", details: expect.objectContaining({ parameter: query.split("=")[0] }) });
  });
});

describe("resolution and orientation", () => {
  it.each([
    ["resolution", "eq", "large", (n: Name) => RESOLUTION[n] === "large"],
    ["resolution", "in", "icon,medium", (n: Name) => ["icon", "medium"].includes(RESOLUTION[n] ?? "")],
    ["resolution", "neq", "icon", (n: Name) => RESOLUTION[n] !== "icon"],
    ["orientation", "eq", "landscape", (n: Name) => ORIENTATION[n] === "landscape"],
    ["orientation", "notIn", "landscape,square", (n: Name) => !["landscape", "square"].includes(ORIENTATION[n] ?? "")],
  ])("%s %s %s", async (field, op, value, test) => {
    expect(await matching(`filter[fields][${field}][${op}]=${value}`)).toEqual(where(test));
  });
});

describe("order_by", () => {
  const rank = (n: Name) => (RESOLUTION[n] === undefined ? RANK.length : RANK.indexOf(RESOLUTION[n]!));

  it("sorts by size both ways, equal to stat's sizes", async () => {
    const bySize = [...ASSET_NAMES].sort((a, b) => sizes[a]! - sizes[b]! || Number(ids[a]) - Number(ids[b]));
    expect(await names("order_by=size_ASC")).toEqual(bySize);
  });

  it("sorts resolution by size class (icon < small < medium < large, not alphabetically), then by a second key", async () => {
    // Two keys: resolution ascending (files without one last, as PostgreSQL puts NULLs), then size descending among equals.
    const expected = [...ASSET_NAMES].sort((a, b) => rank(a) - rank(b) || sizes[b]! - sizes[a]!);
    expect(await names("order_by=resolution_ASC,size_DESC")).toEqual(expected);
    expect(await names("filter[fields][type][eq]=image&order_by=resolution_DESC")).toEqual(["wide", "square", "tall", "icon"]);
  });

  it("sorts by two keys of the asset: format, then filename descending", async () => {
    const format = (n: Name) => made[n]!.file.split(".").pop()!.replace("jpeg", "jpg");
    const filename = (n: Name) => made[n]!.file.split("/").pop()!;
    const expected = [...ASSET_NAMES].sort((a, b) => format(a).localeCompare(format(b)) || filename(b).localeCompare(filename(a)));
    expect(await names("order_by=format_ASC,filename_DESC")).toEqual(expected);
  });
});
