import type { Request } from "express";
import { requestUrl, searchParams, type ListQuery, type Page } from "@assets/core";
import { assertDjangoPageExists, djangoPageOf, lastDjangoPage, type DjangoListQuery } from "./django-dialect.js";

/** DRF's `PageNumberPagination` envelope. */
export interface DrfPage<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** One page of a list as a service returns it. */
export interface ListResult<T> {
  rows: T[];
  total: number;
}

/**
 * Runs a paged DRF list: `page=last` reads the page the first count shows to
 * be the last (DRF's paginator counts before it slices too); a page past the
 * last is a 404 "Invalid page.". Returns the rows and the page they are.
 */
export async function drfList<T>(query: DjangoListQuery, list: (query: ListQuery) => Promise<ListResult<T>>): Promise<ListResult<T> & { page: Page }> {
  const first = await list(query);
  if (!query.lastPage) return { ...first, page: query.page };
  const page = lastDjangoPage(query.page, first.total);
  return page.offset === query.page.offset ? { ...first, page } : { ...(await list({ ...query, page })), page };
}

/**
 * Wraps one page of results as DRF does: absolute `next`/`previous` links
 * that keep every other query parameter, and no `page` parameter in the link
 * to page 1. A page past the last one is a 404 "Invalid page.".
 */
export function drfPage<T>(req: Request, canonical: Page, total: number, results: T[]): DrfPage<T> {
  const page = djangoPageOf(canonical);
  assertDjangoPageExists(page, total);
  const link = (number: number) => {
    const params = searchParams(req);
    if (number === 1) params.delete("page");
    else params.set("page", String(number));
    const query = params.toString();
    return query === "" ? requestUrl(req) : `${requestUrl(req)}?${query}`;
  };
  return {
    count: total,
    next: page.number * page.size < total ? link(page.number + 1) : null,
    previous: page.number > 1 ? link(page.number - 1) : null,
    results,
  };
}
