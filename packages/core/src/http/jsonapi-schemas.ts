import { z } from "zod";
import { errorResponses, schemaComponent } from "./route.js";

/** Media types a JSON:API write accepts (the router's JSON body reader takes both). */
export const JSONAPI_BODY_TYPES = ["application/vnd.api+json", "application/json"] as const;

/** A JSON:API resource object, as `JsonApiResource` is rendered. */
export const JSONAPI_RESOURCE = schemaComponent(
  "JsonApiResource",
  z.object({
    type: z.string(),
    id: z.string(),
    attributes: z.record(z.string(), z.unknown()),
    relationships: z.record(z.string(), z.object({ data: z.object({ type: z.string(), id: z.string() }).nullable() })).optional(),
    links: z.record(z.string(), z.string()).optional(),
  }),
);

/** `{ data: resource }`. */
export const JSONAPI_ITEM = schemaComponent("JsonApiItem", z.object({ data: JSONAPI_RESOURCE, included: z.array(JSONAPI_RESOURCE).optional() }));

/** A list page: `{ data, meta: { total_count }, links }` (see `listDocument`). */
export const JSONAPI_LIST = schemaComponent(
  "JsonApiList",
  z.object({
    data: z.array(JSONAPI_RESOURCE),
    meta: z.object({ total_count: z.number().int() }),
    links: z.object({ self: z.string(), next: z.string().nullable(), prev: z.string().nullable() }).optional(),
  }),
);

/** `{ errors: [...] }` as `jsonApiErrorDocument` writes it. */
export const JSONAPI_ERRORS = schemaComponent(
  "JsonApiErrors",
  z.object({
    errors: z.array(
      z.object({
        status: z.string(),
        code: z.string(),
        title: z.string(),
        detail: z.string().optional(),
        source: z.object({ pointer: z.string().optional(), parameter: z.string().optional() }).optional(),
        meta: z.record(z.string(), z.unknown()).optional(),
      }),
    ),
  }),
);

/** The JSON:API write document `{ data: { type, attributes } }` around a zod attributes schema (what `parseJsonApiBody` reads). */
export function jsonApiWriteDocument(attributes: z.ZodType, type?: string | readonly string[]) {
  const typeSchema = type === undefined ? z.string() : typeof type === "string" ? z.literal(type) : z.enum(type as [string, ...string[]]);
  return z.object({ data: z.object({ type: typeSchema, attributes }) });
}

/** The error answers most JSON:API routes may give, by status. */
export const jsonApiErrors = errorResponses(JSONAPI_ERRORS, {
  400: "Invalid parameter or body",
  401: "Authentication required",
  403: "Not allowed",
  404: "Not found, or not visible to the caller",
  409: "Conflict",
  413: "Too large",
  415: "Unsupported media type",
  422: "Unprocessable",
});

const RELATIONSHIP = z.object({ data: z.object({ type: z.string(), id: z.string() }).nullable() });

/**
 * The item and list documents of one resource type whose attributes are `attributes` (open: types
 * and plugins may add some), named `<name>`, `<name>Item` and `<name>List` in the document.
 */
export function jsonApiDocuments(name: string, type: z.ZodType, attributes: z.ZodType, relationships: readonly string[] = []) {
  const resource = schemaComponent(
    name,
    z.object({
      type,
      id: z.string(),
      attributes,
      ...(relationships.length ? { relationships: z.object(Object.fromEntries(relationships.map((key) => [key, RELATIONSHIP]))) } : {}),
      links: z.record(z.string(), z.string()).optional(),
    }),
  );
  return {
    item: schemaComponent(`${name}Item`, z.object({ data: resource, included: z.array(JSONAPI_RESOURCE).optional() })),
    list: schemaComponent(`${name}List`, z.object({ data: z.array(resource), meta: z.object({ total_count: z.number().int() }), links: JSONAPI_LIST.shape.links })),
  };
}
