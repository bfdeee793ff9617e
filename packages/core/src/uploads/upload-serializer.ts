import { extname } from "node:path";
import type { Upload } from "../generated/prisma/client.js";
import { z } from "zod";
import type { JsonApiResource } from "../http/jsonapi.js";
import { jsonApiDocuments } from "../http/jsonapi-schemas.js";
import { UPLOAD_STATES } from "./upload-fields.js";

/** Renders an upload as a JSON:API object, with DatoCMS's attribute names where they apply. */
export function serializeUpload(row: Upload, base: string): JsonApiResource {
  const metadata = (row.metadata ?? {}) as Record<string, unknown>;
  const extension = extname(row.filename);
  return {
    type: "upload",
    id: String(row.id),
    attributes: {
      uuid: row.uuid,
      filename: row.filename,
      basename: extension ? row.filename.slice(0, -extension.length) : row.filename,
      format: extension ? extension.slice(1).toLowerCase() : null,
      mime_type: row.mime_type,
      size: row.size === null ? null : Number(row.size),
      md5: row.md5,
      sha256: row.sha256,
      state: row.state,
      state_detail: row.state_detail,
      attempts: row.attempts,
      author: metadata.author ?? null,
      copyright: metadata.copyright ?? null,
      notes: metadata.notes ?? null,
      tags: metadata.tags ?? [],
      default_field_metadata: metadata.default_field_metadata ?? {},
      created_at: row.created_at.toISOString(),
      updated_at: row.updated_at.toISOString(),
      expires_at: row.expires_at?.toISOString() ?? null,
    },
    relationships: {
      resource: { data: row.resource_id ? { type: "resource", id: String(row.resource_id) } : null },
      creator: { data: row.uploader_id ? { type: "user", id: String(row.uploader_id) } : null },
    },
    links: { self: `${base}/uploads/${row.id}` },
  };
}

const nullableString = z.string().nullable();

/** The item and list documents of `/uploads`, as `serializeUpload` renders them. */
export const UPLOAD_DOCUMENTS = jsonApiDocuments(
  "Upload",
  z.literal("upload"),
  z.object({
    uuid: z.string(),
    filename: z.string(),
    basename: z.string(),
    format: nullableString,
    mime_type: nullableString,
    size: z.number().int().nullable(),
    md5: nullableString,
    sha256: nullableString,
    state: z.enum(UPLOAD_STATES),
    state_detail: nullableString,
    attempts: z.number().int(),
    author: z.unknown(),
    copyright: z.unknown(),
    notes: z.unknown(),
    tags: z.unknown(),
    default_field_metadata: z.unknown(),
    created_at: z.string(),
    updated_at: z.string(),
    expires_at: nullableString,
  }),
  ["resource", "creator"],
);
