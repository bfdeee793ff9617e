import {
  and,
  buildCondition,
  buildSortKey,
  defaultSort,
  Errors,
  lookupField,
  rejectNulCharacters,
  searchTerms,
  type FilterNode,
  type ListOptions,
  type SortKey,
} from "@assets/core";
import { parseDjangoPage, type DjangoListQuery } from "./django-dialect.js";
import { mergeFieldSelection, parseFieldSelection, type FieldSelection } from "./dynamic-rest-fields.js";
import { isTruthy, parseDynamicRestFilters, type ElementFilterOptions } from "./dynamic-rest-filters.js";

/**
 * The dynamic-rest dialect (GeoNode's REST API v2 speaks it): `filter{…}`
 * (see dynamic-rest-filters.ts), `sort[]=-title` and DRF's `ordering=-title,date`,
 * `search` with the request's own `search_fields[]` (GeoNode's
 * `DynamicSearchFilter`), `include[]` / `exclude[]` and GeoNode's `api_preset`,
 * `extent=minx,miny,maxx,maxy` (GeoNode's `ExtentFilter`), DRF's `page` and
 * `page_size`, and `patch-all`. Parameters it does not know are ignored, as in DRF.
 */

/** A named `include[]`/`exclude[]` set (GeoNode's `REST_API_PRESETS`). */
export interface ApiPreset {
  include?: readonly string[];
  exclude?: readonly string[];
}

/** Catalog fields holding a record's WGS84 bounding box, which `extent` intersects. */
export interface ExtentFields {
  minx: string;
  miny: string;
  maxx: string;
  maxy: string;
}

/** Options of one dynamic-rest list endpoint. */
export interface DynamicRestListOptions extends ElementFilterOptions {
  /** `api_preset` names and what they select; an unknown name is ignored, as in GeoNode. */
  presets?: Readonly<Record<string, ApiPreset>>;
  /** Where the `extent` filter looks; omitted: `extent` is refused. */
  extent?: ExtentFields;
}

/** A dynamic-rest list request in canonical form, plus what the serializer and bulk update need. */
export interface DynamicRestQuery extends DjangoListQuery {
  /** `include[]`/`exclude[]` (and the presets') as dynamic-rest's request-fields tree. */
  fields: FieldSelection;
  /** `patch-all`: true (update every match), `query` (dynamic-rest's signal-less variant), or null. */
  patchAll: true | "query" | null;
}

const FIELD_ORDER = "sort[]";
const DRF_ORDER = "ordering";
const EXTENT = "extent";
const PATCH_ALL = "patch-all";
const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

function invalid(parameter: string, detail: string) {
  return Errors.INVALID_PARAMETER({ detail, source: { parameter } });
}

/** `sort[]` as dynamic-rest's `DynamicSortingFilter`: any term naming no sortable field is a 400. */
function parseSort(options: ListOptions, terms: readonly string[], parameter: string): SortKey[] {
  const keys: SortKey[] = [];
  const unknown: string[] = [];
  for (const raw of terms.map((t) => t.trim()).filter((t) => t !== "")) {
    const name = raw.replace(/^-/, "");
    const found = lookupField(options.fields, name);
    if (!found || found[1].sortable === false || found[1].type === "string[]") unknown.push(raw);
    else keys.push(buildSortKey(options, name, raw.startsWith("-") ? "desc" : "asc", parameter));
  }
  if (unknown.length > 0) throw invalid(parameter, `Invalid filter field: ${unknown.join(", ")}`);
  return keys;
}

/** DRF's `OrderingFilter` (`ordering=-title,date`): terms naming no sortable field are dropped. */
function parseOrdering(options: ListOptions, raw: string): SortKey[] {
  return raw.split(",").flatMap((term) => {
    try {
      return parseSort(options, [term], DRF_ORDER);
    } catch {
      return [];
    }
  });
}

/**
 * DRF's `SearchFilter` over the fields the request names: every term must
 * match one of them; a `^` prefix matches the start, `=` the whole value, and
 * otherwise the field contains the term (all case-insensitive).
 */
function searchFilter(options: ListOptions, text: string, fields: readonly string[]): FilterNode | null {
  const parameter = "search_fields";
  const lookups = fields.map((raw) => {
    const prefix = /^[\^=@$]/.test(raw) ? raw[0]! : "";
    const field = raw.slice(prefix.length);
    if (prefix === "$") throw invalid(parameter, "Regular-expression search ($field) is not supported");
    const found = lookupField(options.fields, field);
    if (!found || found[1].type !== "string" || found[1].filterable === false) throw invalid(parameter, `Invalid search field: ${field}`);
    return { field, op: prefix === "^" ? ("starts_with" as const) : prefix === "=" ? ("eq" as const) : ("contains" as const) };
  });
  const terms = searchTerms(text);
  return and(...terms.map((term): FilterNode => ({ kind: "or", nodes: lookups.map(({ field, op }) => buildCondition(options, field, op, term, "search", true)) })));
}

/** The rows whose box intersects one WGS84 box (a box crossing the antimeridian is split in two). */
function intersects(options: ListOptions, fields: ExtentFields, [minx, miny, maxx, maxy]: number[]): FilterNode {
  if (minx! > maxx!) {
    return { kind: "or", nodes: [intersects(options, fields, [minx!, miny!, 180, maxy!]), intersects(options, fields, [-180, miny!, maxx!, maxy!])] };
  }
  const condition = (field: string, op: "lte" | "gte", value: number) => buildCondition(options, field, op, String(value), EXTENT);
  return and(condition(fields.minx, "lte", maxx!), condition(fields.maxx, "gte", minx!), condition(fields.miny, "lte", maxy!), condition(fields.maxy, "gte", miny!))!;
}

/** GeoNode's `extent=minx,miny,maxx,maxy[,minx,miny,maxx,maxy…]`: rows intersecting any of the boxes. */
function extentFilter(options: DynamicRestListOptions, raw: string): FilterNode {
  if (!options.extent) throw invalid(EXTENT, "This endpoint has no extent filter");
  const parts = raw.split(",");
  if (parts.length === 0 || parts.length % 4 !== 0 || !parts.every((p) => NUMBER.test(p))) {
    throw invalid(EXTENT, "extent takes minx,miny,maxx,maxy (numbers, WGS84), one or more boxes");
  }
  const numbers = parts.map(Number);
  const boxes: number[][] = [];
  for (let i = 0; i < numbers.length; i += 4) boxes.push(numbers.slice(i, i + 4));
  for (const [, miny, , maxy] of boxes) if (miny! > maxy!) throw invalid(EXTENT, "extent's miny must not be above its maxy");
  const nodes = boxes.map((box) => intersects(options, options.extent!, box));
  return nodes.length === 1 ? nodes[0]! : { kind: "or", nodes };
}

/** dynamic-rest's `get_request_patch_all`: absent or empty is null; `query`; truthy is true; anything else is a 400. */
function parsePatchAll(raw: string | null): true | "query" | null {
  if (raw === null || raw === "") return null;
  const lower = raw.toLowerCase();
  if (lower === "query") return "query";
  if (isTruthy(lower)) return true;
  throw invalid(PATCH_ALL, `"${raw}" is not valid for ${PATCH_ALL}`);
}

function fieldSelection(params: URLSearchParams, options: DynamicRestListOptions): FieldSelection {
  const own = parseFieldSelection(params.getAll("include[]"), params.getAll("exclude[]"));
  let selection: FieldSelection = {};
  for (const name of params.getAll("api_preset")) {
    const preset = options.presets && Object.hasOwn(options.presets, name) ? options.presets[name] : undefined;
    if (preset) selection = mergeFieldSelection(selection, parseFieldSelection(preset.include ?? [], preset.exclude ?? []));
  }
  return mergeFieldSelection(selection, own);
}

/** Parses a dynamic-rest list request's query string into the canonical query. */
export function parseDynamicRestQuery(params: URLSearchParams, options: DynamicRestListOptions): DynamicRestQuery {
  rejectNulCharacters(params);
  const text = (params.get("search") ?? "").trim();
  const searchFields = [...params.getAll("search_fields"), ...params.getAll("search_fields[]")].map((f) => f.trim()).filter((f) => f !== "");
  // With search_fields the request says where to look (GeoNode's DynamicSearchFilter); without, the catalog's search fields.
  const fieldSearch = text !== "" && searchFields.length > 0 ? searchFilter(options, text, searchFields) : null;
  const extent = (params.get(EXTENT) ?? "").trim();
  const sortTerms = params.getAll(FIELD_ORDER);
  const ordering = params.get(DRF_ORDER);
  const sort = sortTerms.length > 0 ? parseSort(options, sortTerms, FIELD_ORDER) : ordering ? parseOrdering(options, ordering) : [];
  const page = parseDjangoPage(params, options);
  return {
    filter: and(parseDynamicRestFilters(params, options), fieldSearch, extent === "" ? null : extentFilter(options, extent)),
    search: text !== "" && !fieldSearch ? text : null,
    sort: sort.length > 0 ? sort : defaultSort(options),
    page: { offset: page.number === "last" ? 0 : (page.number - 1) * page.size, limit: page.size },
    lastPage: page.number === "last",
    fields: fieldSelection(params, options),
    patchAll: parsePatchAll(params.get(PATCH_ALL)),
  };
}
