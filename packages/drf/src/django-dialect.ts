import {
  and,
  buildCondition,
  buildSortKey,
  defaultSort,
  Errors,
  parseBooleanFlag,
  rejectNulCharacters,
  type FilterNode,
  type ListOptions,
  type ListQuery,
  type Operator,
  type Page,
  type SortKey,
} from "@assets/core";

/**
 * The Django / Django REST framework dialect (django-filter lookups, DRF's
 * `OrderingFilter` and `PageNumberPagination`): `name__icontains=x`,
 * `organisation__name__startswith=x`, `uuid=a,b`, `created__gte=…`,
 * `scenario__isnull=true`, `ordering=-name,size`, `page=2&page_size=50`.
 *
 * Each endpoint declares its filters as a django-filter `FilterSet` does:
 * which parameter names exist, which catalog field each compares and which
 * lookups it takes. As there, a parameter the endpoint does not declare (an
 * unknown name, an undeclared lookup) is ignored, and so is an `ordering` term
 * naming no declared field (DRF's `OrderingFilter.remove_invalid_fields`); a
 * declared filter with a bad value is a 400 naming it.
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

/** A Django list request parsed into the canonical query. */
export interface DjangoListQuery extends ListQuery {
  /**
   * `page=last` (DRF's `last_page_strings`): which page that is is only known
   * after counting, so `page` is the first one until {@link lastDjangoPage} moves it.
   */
  lastPage: boolean;
}

/** The canonical operator each Django lookup but `isnull` and `range` is (dynamic-rest's `filter{field.lookup}` shares it). */
export const DJANGO_LOOKUP_OPERATORS: Readonly<Record<Exclude<DjangoLookup, "isnull" | "range">, { op: Operator; insensitive?: boolean }>> = {
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

/**
 * Splits `organisation__name__startswith` into a declared filter and its lookup, or null when
 * the endpoint declares no such parameter (django-filter ignores it).
 */
function resolveParameter(options: DjangoListOptions, key: string): { filter: DjangoFilter; lookup: DjangoLookup } | null {
  const declared = (name: string) => (Object.hasOwn(options.filters, name) ? options.filters[name] : undefined);
  const bare = declared(key);
  if (bare) {
    const lookup = bare.default ?? "exact";
    return bare.lookups.includes(lookup) ? { filter: bare, lookup } : null;
  }
  const cut = key.lastIndexOf("__");
  const filter = cut > 0 ? declared(key.slice(0, cut)) : undefined;
  const suffix = key.slice(cut + 2);
  if (!filter || !isLookup(suffix) || !filter.lookups.includes(suffix)) return null;
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
  const { op, insensitive = false } = DJANGO_LOOKUP_OPERATORS[lookup];
  return buildCondition(options, filter.field, op, value, parameter, insensitive);
}

/** DRF's `OrderingFilter`: terms naming no declared field are dropped, not refused. */
function parseOrdering(options: DjangoListOptions, raw: string): SortKey[] {
  const names = options.ordering ?? {};
  return raw
    .split(",")
    .map((part) => part.trim())
    .flatMap((part) => {
      const descending = part.startsWith("-");
      const name = descending ? part.slice(1) : part;
      const field = Object.hasOwn(names, name) ? names[name] : undefined;
      return field ? [buildSortKey(options, field, descending ? "desc" : "asc", ORDERING)] : [];
    });
}

/** DRF's `last_page_strings`. */
const LAST_PAGE = "last";
/** What Python's `int()` reads: optional sign, digits with single underscores, surrounding blanks. */
const PYTHON_INT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

const pythonInt = (raw: string) => Number(raw.trim().replace(/_/g, ""));
/** `QueryDict.get` and `QueryDict[...]`: the last of repeated parameters. */
const lastValue = (params: URLSearchParams, name: string) => params.getAll(name).at(-1) ?? null;

/**
 * Reads DRF's `page` and `page_size` as `PageNumberPagination` does. A
 * `page_size` that is not a positive integer falls back to the endpoint's
 * default and one above its maximum is clamped to it; `page` empty or absent
 * is 1, `page=last` the last page; any other page that is not a positive
 * integer is 404 "Invalid page.", and so is one past the last (known only
 * after counting: see {@link assertDjangoPageExists}).
 */
export function parseDjangoPage(params: URLSearchParams, options: ListOptions): DjangoPage | { number: typeof LAST_PAGE; size: number } {
  const maxLimit = options.maxLimit ?? 500;
  const rawSize = lastValue(params, PAGE_SIZE);
  const askedSize = rawSize !== null && PYTHON_INT.test(rawSize) ? pythonInt(rawSize) : 0;
  const size = askedSize >= 1 ? Math.min(askedSize, maxLimit) : Math.min(options.defaultLimit ?? 30, maxLimit);
  const rawPage = lastValue(params, PAGE);
  if (rawPage === null || rawPage === "") return { number: 1, size };
  if (rawPage === LAST_PAGE) return { number: LAST_PAGE, size };
  const number = PYTHON_INT.test(rawPage) ? pythonInt(rawPage) : NaN;
  if (!(number >= 1) || !Number.isSafeInteger((number - 1) * size)) throw Errors.NOT_FOUND({ detail: "Invalid page." });
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

/** The canonical page `page=last` means once the list's `total` is known (page 1 of an empty list). */
export function lastDjangoPage(page: Page, total: number): Page {
  const pages = Math.max(1, Math.ceil(total / page.limit));
  return { offset: (pages - 1) * page.limit, limit: page.limit };
}

/**
 * Parses a Django/DRF list request's query string into the canonical query.
 * As in Django's `QueryDict.get`, the last of repeated parameters wins, and
 * as in django-filter, an empty value means no filter.
 */
export function parseDjangoQuery(params: URLSearchParams, options: DjangoListOptions): DjangoListQuery {
  rejectNulCharacters(params);
  const reserved = new Set([PAGE, PAGE_SIZE, ...(options.passThrough ?? [])]);
  if (options.ordering) reserved.add(ORDERING);
  if (options.searchParam) reserved.add(options.searchParam);
  const conditions: (FilterNode | null)[] = [];
  for (const key of new Set(params.keys())) {
    if (reserved.has(key)) continue;
    const resolved = resolveParameter(options, key);
    if (!resolved) continue;
    const { filter, lookup } = resolved;
    const value = params.getAll(key).at(-1)!.trim();
    if (value === "") continue;
    conditions.push(toCondition(options, filter, lookup, value, key));
  }
  const ordering = options.ordering ? lastValue(params, ORDERING) : null;
  const sort = ordering ? parseOrdering(options, ordering) : [];
  const page = parseDjangoPage(params, options);
  const term = options.searchParam ? (lastValue(params, options.searchParam) ?? "").trim() : "";
  return {
    filter: and(...conditions),
    search: term === "" ? null : term,
    sort: sort.length > 0 ? sort : defaultSort(options),
    page: { offset: page.number === LAST_PAGE ? 0 : (page.number - 1) * page.size, limit: page.size },
    lastPage: page.number === LAST_PAGE,
  };
}
