import { Router, type Request } from "express";
import { z } from "zod";
import { Errors, route, searchParams, serviceContext } from "@assets/core";
import { allowOnly, drfList, drfPageParameters, parseDjangoPage, type DjangoListQuery } from "@assets/drf";
import { GEONODE_OBJECT, geonodeErrors, geonodePageSchema } from "./geonode-openapi.js";
import type { CatalogService, CategoryCount, FacetCount, FacetPage, FacetQuery, OwnerCount } from "./catalog-service.js";
import { geonodePage } from "./geonode-page.js";
import { geonodeUrls, type GeonodeUrls } from "./geonode-urls.js";
import type { GroupRow, PrincipalService, UserRow } from "./principal-service.js";
import { regionName } from "./regions.js";

const FACET_PAGE = { fields: {}, defaultLimit: 10, maxLimit: 1000 };
const PARAMETERS = [
  ...drfPageParameters(FACET_PAGE),
  { name: "search", in: "query" as const, description: "A case-insensitive part of the name.", schema: { type: "string" } },
];

/** GeoNode's facet pages: 10 a page, `page`/`page_size` (`page=last`), `search`. */
function facetQuery(req: Request): DjangoListQuery {
  const params = searchParams(req);
  const page = parseDjangoPage(params, FACET_PAGE);
  const search = (params.get("search") ?? "").trim();
  return {
    filter: null,
    search: search === "" ? null : search,
    sort: [],
    page: { offset: page.number === "last" ? 0 : (page.number - 1) * page.size, limit: page.size },
    lastPage: page.number === "last",
  };
}

const facet = (q: { page: { offset: number; limit: number }; search: string | null }): FacetQuery => ({ offset: q.page.offset, limit: q.page.limit, search: q.search });

/** `HierarchicalKeywordSerializer` (a keyword is its name here: `id` and `slug` are the name). */
const keyword = (k: FacetCount, urls: GeonodeUrls) => ({ id: k.name, name: k.name, slug: k.name, depth: 1, numchild: 0, link: urls.api(`/keywords/${encodeURIComponent(k.name)}`), count: k.count });
/** `RegionSerializer` (a region is its code: `id` is the code). */
const region = (r: FacetCount, urls: GeonodeUrls) => ({ id: r.name, code: r.name, name: regionName(r.name), name_en: regionName(r.name), link: urls.api(`/regions/${encodeURIComponent(r.name)}`), count: r.count });
/** `TopicCategorySerializer`. */
const category = (c: CategoryCount, urls: GeonodeUrls) => ({
  id: c.id,
  identifier: c.identifier,
  description: c.description,
  description_en: c.description,
  gn_description: c.gn_description,
  gn_description_en: c.gn_description,
  is_choice: true,
  fa_class: "fa-times",
  link: urls.api(`/categories/${c.id}`),
  count: c.count,
});
/** `OwnerSerializer`. */
const owner = (o: OwnerCount, urls: GeonodeUrls) => ({ pk: o.id, username: o.username, first_name: "", last_name: "", avatar: "", perms: [], link: urls.api(`/owners/${o.id}`), count: o.count });

/** `UserSerializer`. */
const user = (u: UserRow, urls: GeonodeUrls) => ({ pk: u.id, username: u.username, first_name: "", last_name: "", avatar: "", perms: [], is_superuser: u.is_superuser, is_staff: u.is_superuser, link: urls.api(`/users/${u.id}`) });
/** `GroupProfileSerializer` (a core group; its slug is its name). */
const groupProfile = (g: GroupRow, urls: GeonodeUrls) => ({
  pk: g.id,
  title: g.name,
  group: { pk: g.id, name: g.name },
  slug: g.name,
  logo: null,
  description: g.organisation ? `Group of ${g.organisation.name}` : "",
  email: null,
  keywords: [],
  access: "private",
  categories: [],
  link: urls.api(`/groups/${g.id}`),
});

const numericId = (id: string | undefined) => (id === undefined ? undefined : /^\d{1,9}$/.test(id) ? Number(id) : -1);

/**
 * `/categories`, `/keywords`, `/regions`, `/owners`, `/users`, `/groups` (lists and details) in
 * GeoNode's envelope, each entry with `count`: the resources the caller may see.
 */
export function catalogRoutes(service: CatalogService, principals: PrincipalService): Router {
  const router = Router();

  function mount<T>(plural: string, singular: string, list: (req: Request, q: FacetQuery, id?: string) => Promise<FacetPage<T>>, render: (row: T, urls: GeonodeUrls) => unknown, key = plural) {
    const tags = [plural];
    route(router, {
      method: "get",
      path: `/${plural}/`,
      summary: `List ${plural}, each with the count of resources the caller may see`,
      tags,
      parameters: PARAMETERS,
      responses: { 200: { description: `A page of ${plural}`, schema: geonodePageSchema(`${plural[0]!.toUpperCase()}${plural.slice(1)}Page`, key) }, ...geonodeErrors(404) },
      handler: async (req, res) => {
        const query = facetQuery(req);
        const { rows, total, page } = await drfList(query, (q) => list(req, facet({ page: q.page, search: q.search })));
        const urls = geonodeUrls(req);
        res.json(geonodePage(req, key, page, total, rows.map((row) => render(row, urls))));
      },
    });
    router.all(`/${plural}/`, allowOnly(["GET"]));
    route(router, {
      method: "get",
      path: `/${plural}/:id/`,
      summary: `One of the ${plural}, with its count`,
      tags,
      responses: { 200: { description: "The entry", schema: z.object({ [singular]: GEONODE_OBJECT }) }, ...geonodeErrors(404) },
      handler: async (req, res) => {
        const { rows } = await list(req, { offset: 0, limit: 1, search: null }, String(req.params.id));
        if (rows.length === 0) throw Errors.NOT_FOUND({ detail: "Not found." });
        res.json({ [singular]: render(rows[0]!, geonodeUrls(req)) });
      },
    });
    router.all(`/${plural}/:id/`, allowOnly(["GET"]));
  }

  mount("keywords", "keywords", (req, q, id) => service.keywords(serviceContext(req), q, id), keyword);
  mount("regions", "regions", (req, q, id) => service.regions(serviceContext(req), q, id), region);
  mount("owners", "owners", (req, q, id) => service.owners(serviceContext(req), q, numericId(id)), owner);
  mount("users", "user", (req, q, id) => principals.users(serviceContext(req), q, numericId(id)), user);
  mount("groups", "group_profile", (req, q, id) => principals.groups(serviceContext(req), q, numericId(id)), groupProfile, "group_profiles");
  mount("categories", "categories", async (req, q, id) => {
    if (id === undefined) return service.categories(serviceContext(req), q);
    return { rows: [await service.category(serviceContext(req), id)], total: 1 };
  }, category);
  return router;
}
