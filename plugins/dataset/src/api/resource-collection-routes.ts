import { Router, type Request } from "express";
import { z } from "zod";
import { type Prisma, route, searchParams, serviceContext } from "@assets/core";
import { allowOnly, drfList, dynamicRestListParameters, parseDynamicRestQuery, signedIn } from "@assets/drf";
import type { FavoriteService } from "./favorite-service.js";
import { RESOURCE_LIST } from "./geonode-fields.js";
import { GEONODE_RESOURCE, geonodeErrors, geonodePageSchema } from "./geonode-openapi.js";
import { geonodePage } from "./geonode-page.js";
import { geonodeUrls } from "./geonode-urls.js";
import { idParam } from "./resource-base-routes.js";
import { typeScope, type ResourceBaseService } from "./resource-base-service.js";
import { RESOURCE_SERIALIZER, serializeResource } from "./resource-serializer.js";

const PARAMETERS = dynamicRestListParameters(RESOURCE_LIST);
const RESOURCE_PAGE = geonodePageSchema("FilteredResourcePage", "resources", GEONODE_RESOURCE);
const FAVORITE_PAGE = geonodePageSchema("FavoritePage", "favorites");
const MESSAGE = z.object({ message: z.string() });

/** A Dataset flag that is true by default: a resource without a Dataset row has it. */
const flagged = (flag: "is_approved" | "is_published"): Prisma.ResourceWhereInput => ({ OR: [{ dataset: { is: null } }, { dataset: { is: { [flag]: true } } }] });

/** GeoNode's `approved`, `published` and `featured` actions (`_filtered`): the resources of each the caller may see. */
const FILTERED: readonly [string, Prisma.ResourceWhereInput][] = [
  ["approved", flagged("is_approved")],
  ["published", flagged("is_published")],
  ["featured", { dataset: { is: { featured: true } } }],
];

/**
 * `/resources/approved|published|featured/` and the caller's favourites:
 * `GET /resources/favorites/` (GeoNode's envelope under `favorites`),
 * `POST`/`DELETE /resources/{id}/favorite/` (GeoNode's `{message}` answers).
 * Mounted before the detail routes, which would take `favorites` for an id.
 */
export function resourceCollectionRoutes(resources: ResourceBaseService, favorites: FavoriteService): Router {
  const router = Router();

  const list = async (req: Request, key: string, scope: Prisma.ResourceWhereInput) => {
    const ctx = serviceContext(req);
    const query = parseDynamicRestQuery(searchParams(req), RESOURCE_LIST);
    const { rows, total, page } = await drfList(query, (q) => resources.list(ctx, q, { AND: [typeScope(null), scope] }));
    const urls = geonodeUrls(req);
    return geonodePage(req, key, page, total, rows.map((view) => serializeResource(view, RESOURCE_SERIALIZER, query.fields, urls)));
  };

  const tags = ["resources"];
  for (const [name, scope] of FILTERED) {
    route(router, {
      method: "get",
      path: `/resources/${name}/`,
      summary: `The ${name} resources the caller may see`,
      tags,
      parameters: PARAMETERS,
      responses: { 200: { description: `A page of ${name} resources`, schema: RESOURCE_PAGE }, ...geonodeErrors(400, 404) },
      handler: async (req, res) => {
        res.json(await list(req, "resources", scope));
      },
    });
    router.all(`/resources/${name}/`, allowOnly(["GET"]));
  }

  route(router, {
    method: "get",
    path: "/resources/favorites/",
    summary: "The caller's favourite resources (those they may still see)",
    tags,
    signedIn: true,
    middleware: [signedIn],
    parameters: PARAMETERS,
    responses: { 200: { description: "A page of favourites", schema: FAVORITE_PAGE }, ...geonodeErrors(400, 401, 404) },
    handler: async (req, res) => {
      res.json(await list(req, "favorites", favorites.scope(serviceContext(req))));
    },
  });
  router.all("/resources/favorites/", allowOnly(["GET"]));

  const message = (description: string) => ({ description, schema: MESSAGE });
  route(router, {
    method: "post",
    path: "/resources/:id/favorite/",
    summary: "Add the resource to the caller's favourites",
    tags,
    signedIn: true,
    middleware: [signedIn],
    responses: { 201: message("Added"), 400: message("Already a favourite"), ...geonodeErrors(401, 404) },
    handler: async (req, res) => {
      const { status, message } = await favorites.add(serviceContext(req), idParam(req));
      res.status(status).json({ message });
    },
  });
  route(router, {
    method: "delete",
    path: "/resources/:id/favorite/",
    summary: "Remove the resource from the caller's favourites",
    tags,
    signedIn: true,
    middleware: [signedIn],
    responses: { 200: message("Removed"), 404: message("Not a favourite, or the resource is not visible"), ...geonodeErrors(401) },
    handler: async (req, res) => {
      const { status, message } = await favorites.remove(serviceContext(req), idParam(req));
      res.status(status).json({ message });
    },
  });
  router.all("/resources/:id/favorite/", allowOnly(["POST", "DELETE"]));
  return router;
}
