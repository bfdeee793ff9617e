/** The library's filters, kept in the page's URL so a view can be bookmarked and shared. */
export interface Filters {
  q: string;
  type: string;
  tags: string;
  access: string;
  from: string;
  to: string;
  sort: string;
}

export const DEFAULT_SORT = "_created_at_DESC";

export const SORTS: [string, string][] = [
  ["_created_at_DESC", "Newest first"],
  ["_created_at_ASC", "Oldest first"],
  ["name_ASC", "Name A–Z"],
  ["name_DESC", "Name Z–A"],
  ["_updated_at_DESC", "Recently changed"],
];

export function readFilters(search = location.search): Filters {
  const params = new URLSearchParams(search);
  const get = (name: string) => params.get(name) ?? "";
  return { q: get("q"), type: get("type"), tags: get("tags"), access: get("access"), from: get("from"), to: get("to"), sort: get("sort") || DEFAULT_SORT };
}

export function writeFilters(filters: Filters): void {
  const params = new URLSearchParams(location.search);
  for (const [name, value] of Object.entries(filters)) {
    if (value && !(name === "sort" && value === DEFAULT_SORT)) params.set(name, value);
    else params.delete(name);
  }
  const query = params.toString();
  history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}${location.hash}`);
}

/** The core's JSON:API list query for these filters and one page. */
export function listQuery(filters: Filters, offset: number, limit: number): string {
  const params = new URLSearchParams();
  if (filters.q.trim()) params.set("filter[query]", filters.q.trim());
  if (filters.type) params.set("filter[fields][type][eq]", filters.type);
  const tags = filters.tags.split(",").map((t) => t.trim()).filter(Boolean);
  if (tags.length) params.set("filter[fields][tags][all_in]", tags.join(","));
  if (filters.access) params.set("filter[fields][access_modifier][eq]", filters.access);
  if (filters.from) params.set("filter[fields][created_at][gte]", new Date(`${filters.from}T00:00:00`).toISOString());
  if (filters.to) params.set("filter[fields][created_at][lte]", new Date(`${filters.to}T23:59:59.999`).toISOString());
  params.set("order_by", filters.sort || DEFAULT_SORT);
  params.set("page[offset]", String(offset));
  params.set("page[limit]", String(limit));
  return `?${params}`;
}
