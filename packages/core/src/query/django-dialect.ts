import { Errors } from "../errors/index.js";
import { buildCondition, buildPage, buildSortKey, defaultSort, rejectNulCharacters } from "./build-query.js";
import type { ListOptions } from "./field-catalog.js";
import { parseBooleanFlag } from "./parse-value.js";
import { and, type FilterNode, type ListQuery, type Operator, type Page, type SortKey } from "./types.js";

/**
 * The Django / Django REST framework dialect (django-filter lookups, DRF's
 * `OrderingFilter` and `PageNumberPagination`): `name__icontains=x`,
 * `organisation__name__startswith=x`, `uuid=a,b`, `created__gte=…`,
 * `scenario__isnull=true`, `ordering=-name,size`, `page=2&page_size=50`.
 *
 * Each endpoint declares its filters as a django-filter `FilterSet` does:
 * which parameter names exist, which catalog field each compares and which
 * lookups it takes. Anything undeclared is a 400, not silently ignored.
 */

/** Django field lookups (the `__<lookup>` suffix) this parser understands. */
export const DJANGO_LOOKUPS = [
  "exact",
  "iexact",
  "contains",
  "icontains",
  "startswith",
  "istartswith",
  "endswith",
  "iendswith",
  "in",
  "gt",
  "gte",
  "lt",
  "lte",
  "isnull",
  "range",
] as const;
export type DjangoLookup = (typeof DJANGO_LOOKUPS)[number];

/** Django's text lookups, for convenience in filter declarations. */
export const DJANGO_TEXT_LOOKUPS: readonly DjangoLookup[] = ["exact", "iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith", "in"];
/** Django's comparison lookups for numbers and dates. */
export const DJANGO_COMPARE_LOOKUPS: readonly DjangoLookup[] = ["exact", "lt", "lte", "gt", "gte"];

/** One declared filter parameter. */
export interface DjangoFilter {
  /** Catalog field (public name or alias) the parameter compares. */
  field: string;
  /** Lookups accepted as `<parameter>__<lookup>`. */
  lookups: readonly DjangoLookup[];
  /**
   * Lookup of the bare parameter (default `exact`), e.g. `in` for Lizard's
   * `uuid=a,b`. When it is not among `lookups`, the bare parameter is refused.
   */
  default?: DjangoLookup;
}

/** Options of one Django-style list endpoint. */
export interface DjangoListOptions extends ListOptions {
  /** Filter parameters by name: a Django path such as `organisation__name`. */
  filters: Readonly<Record<string, DjangoFilter>>;
  /** `ordering` names (without `-`) mapped to catalog fields; omitted: `ordering` is refused. */
  ordering?: Readonly<Record<string, string>>;
  /** Name of a free-text search parameter (e.g. GeoNode's `search`); omitted: none. */
  searchParam?: string;
  /** Parameters handled elsewhere (e.g. `format`): neither filters nor errors. */
  passThrough?: readonly string[];
}

/** The page a DRF `PageNumberPagination` request asked for, 1-based. */
export interface DjangoPage {
  number: number;
  size: number;
}

const OPERATOR: Record<Exclude<DjangoLookup, "isnull" | "range">, { op: Operator; insensitive?: boolean }> = {
  exact: { op: "eq" },
  iexact: { op: "eq", insensitive: true },
  contains: { op: "contains" },
  icontains: { op: "contains", insensitive: true },
  startswith: { op: "starts_with" },
  istartswith: { op: "starts_with", insensitive: true },
  endswith: { op: "ends_with" },
  iendswith: { op: "ends_with", insensitive: true },
  in: { op: "in" },
  gt: { op: "gt" },
  gte: { op: "gte" },
  lt: { op: "lt" },
  lte: { op: "lte" },
};

const PAGE = "page";
const PAGE_SIZE = "page_size";
const ORDERING = "ordering";

function invalid(parameter: string, detail: string) {
  return Errors.INVALID_PARAMETER({ detail, source: { parameter } });
}

function isLookup(raw: string): raw is DjangoLookup {
  return (DJANGO_LOOKUPS as readonly string[]).includes(raw);
}

/** Splits `organisation__name__startswith` into a declared filter and its lookup. */
function resolveParameter(options: DjangoListOptions, key: string): { filter: DjangoFilter; lookup: DjangoLookup } {
  const bare = options.filters[key];
  if (bare) {
    const lookup = bare.default ?? "exact";
    if (!bare.lookups.includes(lookup)) {
      throw invalid(key, `'${key}' needs a lookup; use one of ${bare.lookups.map((l) => `${key}__${l}`).join(", ")}`);
    }
    return { filter: bare, lookup };
  }
  const cut = key.lastIndexOf("__");
  const base = cut > 0 ? key.slice(0, cut) : "";
  const suffix = cut > 0 ? key.slice(cut + 2) : "";
  const filter = options.filters[base];
  if (!filter) {
    throw invalid(key, `Unknown filter '${key}'; allowed: ${Object.keys(options.filters).join(", ")}`);
  }
  if (!isLookup(suffix) || !filter.lookups.includes(suffix)) {
    throw invalid(key, `Unsupported lookup '${suffix}' on '${base}'; allowed: ${filter.lookups.join(", ")}`);
  }
  return { filter, lookup: suffix };
}

function toCondition(options: DjangoListOptions, filter: DjangoFilter, lookup: DjangoLookup, value: string, parameter: string): FilterNode | null {
  if (lookup === "isnull") {
    return buildCondition(options, filter.field, "exists", String(!parseBooleanFlag(value, parameter)), parameter);
  }
  if (lookup === "range") {
    const bounds = value.split(",").map((s) => s.trim());
    if (bounds.length !== 2 || bounds.some((b) => b === "")) throw invalid(parameter, "'range' takes two values separated by a comma");
    return and(buildCondition(options, filter.field, "gte", bounds[0]!, parameter), buildCondition(options, filter.field, "lte", bounds[1]!, parameter));
  }
  const { op, insensitive = false } = OPERATOR[lookup];
  return buildCondition(options, filter.field, op, value, parameter, insensitive);
}

function parseOrdering(options: DjangoListOptions, raw: string): SortKey[] {
  const names = options.ordering ?? {};
  return raw
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const descending = part.startsWith("-");
      const name = descending ? part.slice(1) : part;
      const field = names[name];
      if (!field) throw invalid(ORDERING, `Unknown ordering field '${name}'; allowed: ${Object.keys(names).join(", ")}`);
      return buildSortKey(options, field, descending ? "desc" : "asc", ORDERING);
    });
}

/**
 * Reads DRF's `page` and `page_size`. A `page_size` above the endpoint's
 * maximum is clamped to it, as DRF does; a non-numeric or non-positive page
 * or page size is a 400. Whether the page exists is only known after
 * counting: see {@link assertDjangoPageExists}.
 */
export function parseDjangoPage(params: URLSearchParams, options: ListOptions): DjangoPage {
  const positive = (parameter: string, fallback: number) => {
    const raw = params.get(parameter);
    if (raw === null || raw === "") return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) throw invalid(parameter, `'${raw}' is not a positive integer`);
    return Number(raw);
  };
  const maxLimit = options.maxLimit ?? 500;
  const size = Math.min(positive(PAGE_SIZE, options.defaultLimit ?? 30), maxLimit);
  const number = positive(PAGE, 1);
  // buildPage repeats the range checks every dialect shares (safe offset, limit bounds).
  buildPage(options, { offset: String((number - 1) * size), limit: String(size) }, { offset: PAGE, limit: PAGE_SIZE });
  return { number, size };
}

/** The 1-based page number and size of a canonical page parsed by this dialect. */
export function djangoPageOf(page: Page): DjangoPage {
  return { number: Math.floor(page.offset / page.limit) + 1, size: page.limit };
}

/** DRF answers a page past the last one with 404 "Invalid page."; the first page always exists. */
export function assertDjangoPageExists(page: DjangoPage, total: number): void {
  if (page.number > 1 && (page.number - 1) * page.size >= total) throw Errors.NOT_FOUND({ detail: "Invalid page." });
}

/**
 * Parses a Django/DRF list request's query string into the canonical query.
 * As in Django's `QueryDict.get`, the last of repeated parameters wins, and
 * as in django-filter, an empty value means no filter.
 */
export function parseDjangoQuery(params: URLSearchParams, options: DjangoListOptions): ListQuery {
  rejectNulCharacters(params);
  const reserved = new Set([PAGE, PAGE_SIZE, ...(options.passThrough ?? [])]);
  if (options.ordering) reserved.add(ORDERING);
  if (options.searchParam) reserved.add(options.searchParam);
  const conditions: (FilterNode | null)[] = [];
  for (const key of new Set(params.keys())) {
    if (reserved.has(key)) continue;
    const { filter, lookup } = resolveParameter(options, key);
    const value = params.getAll(key).at(-1)!.trim();
    if (value === "") continue;
    conditions.push(toCondition(options, filter, lookup, value, key));
  }
  const ordering = options.ordering ? params.get(ORDERING) : null;
  const sort = ordering ? parseOrdering(options, ordering) : [];
  const page = parseDjangoPage(params, options);
  const term = options.searchParam ? (params.get(options.searchParam) ?? "").trim() : "";
  return {
    filter: and(...conditions),
    search: term === "" ? null : term,
    sort: sort.length > 0 ? sort : defaultSort(options),
    page: { offset: (page.number - 1) * page.size, limit: page.size },
  };
}
