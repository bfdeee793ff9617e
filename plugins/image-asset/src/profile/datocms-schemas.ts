/** Zod schemas of the DatoCMS shapes the profile's declared routes answer (for its OpenAPI document). */
import { z } from "zod";
import { errorResponses, schemaComponent } from "@assets/core";

/** DatoCMS's error document: `{ data: [{ id, type: "api_error", attributes: { code, doc_url, details } }] }`. */
export const DATOCMS_ERROR = schemaComponent(
  "DatocmsError",
  z.object({
    data: z.array(z.object({ id: z.string(), type: z.literal("api_error"), attributes: z.object({ code: z.string(), doc_url: z.string().optional(), details: z.record(z.string(), z.unknown()), transient: z.boolean().optional() }) })),
  }),
);

const COLLECTION_LINKAGE = z.object({ type: z.literal("upload_collection"), id: z.string() });

/** An `upload_collection` resource object. */
export const UPLOAD_COLLECTION = schemaComponent(
  "DatocmsUploadCollection",
  z.object({
    type: z.literal("upload_collection"),
    id: z.string(),
    attributes: z.object({ label: z.string(), position: z.number().int() }),
    relationships: z.object({ parent: z.object({ data: COLLECTION_LINKAGE.nullable() }), children: z.object({ data: z.array(COLLECTION_LINKAGE) }) }),
  }),
);

/** A tag list (`upload_tag` or `upload_smart_tag`) with its total. */
export const tagList = (type: "upload_tag" | "upload_smart_tag") =>
  z.object({ data: z.array(z.object({ type: z.literal(type), id: z.string(), attributes: z.object({ name: z.string() }) })), meta: z.object({ total_count: z.number().int() }) });

/** A 202's body: the job to poll at `/job-results/:id`. */
export const JOB = schemaComponent("DatocmsJob", z.object({ data: z.object({ type: z.literal("job"), id: z.string() }) }));

/** DatoCMS's paging parameters (`page[offset]`, `page[limit]`). */
export const pageParameters = (defaultLimit: number, maxLimit: number) =>
  [
    { name: "page[offset]", in: "query", description: "Zero-based offset of the first entity (default 0)", schema: { type: "integer", minimum: 0 } },
    { name: "page[limit]", in: "query", description: `Entities per page (default ${defaultLimit}, at most ${maxLimit})`, schema: { type: "integer", minimum: 1, maximum: maxLimit } },
  ] as const;

/** The rate headers every CMA answer carries. */
export const RATE_HEADERS = {
  "X-RateLimit-Limit": "Requests allowed per window for this API key",
  "X-RateLimit-Remaining": "Requests left in the current window",
  "X-RateLimit-Reset": "Seconds until the window ends",
} as const;

/** The error answers of a DatoCMS route, by status. */
export const datocmsErrors = errorResponses(DATOCMS_ERROR, { 401: "Invalid or missing API token", 403: "Not allowed", 404: "Not found", 422: "Invalid field" });

/** A JSON:API resource object of the profile: its attributes follow its serializer. */
export const DATOCMS_RESOURCE = schemaComponent(
  "DatocmsResource",
  z.object({ type: z.string(), id: z.string(), attributes: z.record(z.string(), z.unknown()).optional(), relationships: z.record(z.string(), z.unknown()).optional() }),
);

/** `{ data: resource }` and `{ data: [...], meta }`. */
export const DATOCMS_ITEM = schemaComponent("DatocmsItem", z.object({ data: DATOCMS_RESOURCE }));
export const DATOCMS_LIST = schemaComponent("DatocmsList", z.object({ data: z.array(DATOCMS_RESOURCE), meta: z.object({ total_count: z.number().int() }).optional() }));
