import type { Request } from "express";
import type { Page } from "@assets/core";
import { drfPage } from "@assets/drf";

/** GeoNode's list envelope (`GeoNodeApiPagination`): `{links, total, page, page_size, <plural>: [...]}`. */
export type GeonodePage<K extends string, T> = {
  links: { next: string | null; previous: string | null };
  total: number;
  page: number;
  page_size: number;
} & Record<K, T[]>;

/**
 * Wraps one page as GeoNode does. The links are DRF's (absolute, every other
 * parameter kept, no `page` in the link to page 1); a page past the last is
 * a 404 "Invalid page.".
 */
export function geonodePage<K extends string, T>(req: Request, key: K, page: Page, total: number, rows: T[]): GeonodePage<K, T> {
  const { next, previous } = drfPage(req, page, total, rows);
  const envelope = { links: { next, previous }, total, page: Math.floor(page.offset / page.limit) + 1, page_size: page.limit };
  return { ...envelope, [key]: rows } as GeonodePage<K, T>;
}
