import { Router, type Request } from "express";
import { z } from "zod";
import { errorResponses, route, schemaComponent, type PluginHost } from "@assets/core";

/** GeoNode's error shape, as `renderGeonodeError` writes it. */
export const GEONODE_ERROR = schemaComponent("GeonodeError", z.object({ success: z.literal(false), errors: z.array(z.string()), code: z.string() }));

/** The error answers of a GeoNode route, by status. */
export const geonodeErrors = errorResponses(GEONODE_ERROR, {
  400: "Invalid fields or parameters",
  401: "Authentication credentials were not provided",
  403: "Not allowed",
  404: "Not found, or not visible to the caller",
  405: "Method not allowed",
  413: "Upload too large",
  415: "Unsupported media type",
});

/** A serialized row: its fields follow the serializer and the request's include[]/exclude[], so it is an open object. */
export const GEONODE_OBJECT = z.looseObject({});

const POLYGON = z.object({ type: z.literal("Polygon"), coordinates: z.array(z.array(z.array(z.number()))) });
const IDENTIFIER = z.object({ identifier: z.string() }).nullable();

/**
 * A row of `/resources/` (and the typed lists), as the resource serializer renders it: every field is
 * optional because `include[]`, `exclude[]` and `api_preset` choose them, and the typed endpoints add theirs.
 */
export const GEONODE_RESOURCE = schemaComponent(
  "GeonodeResource",
  z
    .looseObject({
      pk: z.string(),
      uuid: z.string(),
      resource_type: z.string(),
      perms: z.array(z.string()),
      owner: z.looseObject({ pk: z.number().int(), username: z.string() }),
      keywords: z.array(z.object({ name: z.string(), slug: z.string() })),
      regions: z.array(z.object({ code: z.string(), name: z.string() })),
      category: IDENTIFIER,
      license: IDENTIFIER,
      title: z.string(),
      abstract: z.string().nullable(),
      alternate: z.string().nullable(),
      bbox_polygon: POLYGON,
      ll_bbox_polygon: POLYGON,
      extent: z.object({ coords: z.array(z.number()), srid: z.string() }),
      srid: z.string(),
      date: z.string(),
      date_type: z.string(),
      created: z.string(),
      last_updated: z.string(),
      is_published: z.boolean(),
      is_approved: z.boolean(),
      featured: z.boolean(),
      detail_url: z.string(),
      thumbnail_url: z.string().nullable(),
      subtype: z.string().nullable(),
      extra_metadata: z.unknown(),
    })
    .partial(),
);

/** GeoNode's list envelope around rows of `item` under `key`. */
export function geonodePageSchema(name: string, key: string, item: z.ZodType = GEONODE_OBJECT) {
  return schemaComponent(
    name,
    z.object({ links: z.object({ next: z.string().nullable(), previous: z.string().nullable() }), total: z.number().int(), page: z.number().int(), page_size: z.number().int(), [key]: z.array(item) }),
  );
}

const OPENAPI_JSON = "application/vnd.oai.openapi+json";
const OPENAPI_YAML = "application/vnd.oai.openapi";

/** drf-spectacular's negotiation: `?format=json` or an Accept naming JSON gets JSON, else its YAML type. */
function wantsJson(req: Request): boolean {
  const format = req.query.format;
  if (format === "json") return true;
  if (format === "yaml") return false;
  const accept = req.get("accept") ?? "";
  return accept.includes(OPENAPI_JSON) || accept.includes("application/json");
}

/**
 * GeoNode's `GET /api/v2/schema/` (drf-spectacular's `SpectacularAPIView`): this profile's
 * OpenAPI document, the one `/api/v2/openapi.json` serves. JSON is also YAML 1.2, so the YAML
 * media type carries the same text: a YAML reader reads it, no second serializer is needed.
 * Mounted before the browsable API, which would refuse `format=yaml`.
 */
export function schemaRoutes(host: PluginHost): Router {
  const router = Router();
  route(router, {
    method: "get",
    path: "/schema/",
    summary: "The OpenAPI 3 document of this API",
    description: "Content negotiation as GeoNode's: `application/vnd.oai.openapi+json` (or `format=json`) for JSON, else `application/vnd.oai.openapi` (YAML; the text is JSON, which YAML 1.2 reads).",
    tags: ["schema"],
    query: z.object({ format: z.enum(["json", "yaml"]).optional(), lang: z.string().optional() }),
    responses: {
      200: { description: "The OpenAPI document", contentType: OPENAPI_JSON, schema: z.looseObject({ openapi: z.string() }) },
      ...geonodeErrors(400),
    },
    handler: (req, res) => {
      res.status(200).type(wantsJson(req) ? OPENAPI_JSON : OPENAPI_YAML).send(JSON.stringify(host.openApiDocument(req), null, 2));
    },
  });
  return router;
}
