import type { AssetType } from "./asset-types.js";

/** The library's filters, kept in the page's URL so a view can be bookmarked and shared. */
export interface Filters {
  q: string;
  type: string;
  tags: string;
  /** Access modifier (Public, Common, Private). */
  access: string;
  /** Pipeline state of the asset's upload: "" lists the assets themselves, else their uploads in this state. */
  state: string;
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

/** The pipeline's states, as `/uploads` filters them. */
export const UPLOAD_STATES = ["requested", "received", "processing", "retry", "committed", "rejected"];

export function readFilters(search = location.search): Filters {
  const params = new URLSearchParams(search);
  const get = (name: string) => params.get(name) ?? "";
  return { q: get("q"), type: get("type"), tags: get("tags"), access: get("access"), state: get("state"), from: get("from"), to: get("to"), sort: get("sort") || DEFAULT_SORT };
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

/** Filters both lists share, under each list's own field names. */
function common(params: URLSearchParams, filters: Filters, names: { tags: string; access: string }) {
  const tags = filters.tags.split(",").map((t) => t.trim()).filter(Boolean);
  if (filters.q.trim()) params.set("filter[query]", filters.q.trim());
  if (tags.length) params.set(`filter[fields][${names.tags}][all_in]`, tags.join(","));
  if (filters.access) params.set(`filter[fields][${names.access}][eq]`, filters.access);
  if (filters.from) params.set("filter[fields][created_at][gte]", new Date(`${filters.from}T00:00:00`).toISOString());
  if (filters.to) params.set("filter[fields][created_at][lte]", new Date(`${filters.to}T23:59:59.999`).toISOString());
}

function page(params: URLSearchParams, offset: number, limit: number): string {
  params.set("page[offset]", String(offset));
  params.set("page[limit]", String(limit));
  return `?${params}`;
}

/**
 * The core's JSON:API `/resources` query for these filters and one page. An asset type whose
 * resources carry another type's key (`/asset-types` says: a raster dataset is a `dataset` of
 * subtype raster) is filtered by that key and its field values.
 */
export function listQuery(filters: Filters, types: readonly AssetType[], offset: number, limit: number): string {
  const params = new URLSearchParams();
  common(params, filters, { tags: "tags", access: "access_modifier" });
  if (filters.type) {
    const declared = types.find((t) => t.id === filters.type)?.attributes;
    params.set("filter[fields][type][eq]", declared?.resource_type ?? filters.type);
    for (const [field, value] of Object.entries(declared?.resource_filter ?? {})) params.set(`filter[fields][${field}][eq]`, value);
  }
  params.set("order_by", filters.sort || DEFAULT_SORT);
  return page(params, offset, limit);
}

/**
 * The core's `/uploads` query for the grid by pipeline state: the uploads in `filters.state`
 * (the type is the upload's own asset type; tags and access those of the resource it became;
 * the search the file name), sorted as the grid is (name: the file name).
 */
export function uploadQuery(filters: Filters, offset: number, limit: number): string {
  const params = new URLSearchParams();
  common(params, filters, { tags: "resource.tags", access: "resource.access_modifier" });
  params.set("filter[fields][state][eq]", filters.state);
  if (filters.type) params.set("filter[fields][type][eq]", filters.type);
  params.set("order_by", (filters.sort || DEFAULT_SORT).replace(/^name_/, "filename_"));
  return page(params, offset, limit);
}
