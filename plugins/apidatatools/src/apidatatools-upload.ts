import { z } from "zod";
import { schemaComponent, type Upload, type UploadState } from "@assets/core";

/** apidatatools' upload statuses. */
export const APIDATATOOLS_STATUSES = ["pending", "processing", "completed", "failed"] as const;
export type ApidatatoolsStatus = (typeof APIDATATOOLS_STATUSES)[number];

/** How the pipeline's states read in apidatatools' words: waiting for bytes, being worked on, done, failed. */
export const STATUS_OF: Readonly<Record<UploadState, ApidatatoolsStatus>> = {
  requested: "pending",
  received: "processing",
  processing: "processing",
  retry: "processing",
  committed: "completed",
  rejected: "failed",
};

/** One upload in apidatatools' shape; times are unix seconds. */
export interface ApidatatoolsUpload {
  upload_id: string;
  user_id: string | null;
  status: ApidatatoolsStatus;
  filename: string;
  s3_key: string | null;
  file_size: number | null;
  created_at: number;
  expires_at: number | null;
}

/** {@link ApidatatoolsUpload} for the OpenAPI document. */
export const APIDATATOOLS_UPLOAD = schemaComponent(
  "ApidatatoolsUpload",
  z.object({
    upload_id: z.string(),
    user_id: z.string().nullable(),
    status: z.enum(APIDATATOOLS_STATUSES),
    filename: z.string(),
    s3_key: z.string().nullable(),
    file_size: z.number().int().nullable(),
    created_at: z.number().int().describe("Unix seconds"),
    expires_at: z.number().int().nullable().describe("Unix seconds"),
  }) satisfies z.ZodType<ApidatatoolsUpload>,
);

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** An upload row in the profile's shape. */
export function renderUpload(row: Upload): ApidatatoolsUpload {
  return {
    upload_id: row.uuid,
    user_id: row.uploader_id === null ? null : String(row.uploader_id),
    status: STATUS_OF[row.state],
    filename: row.filename,
    s3_key: row.storage_key,
    file_size: row.size === null ? null : Number(row.size),
    created_at: unixSeconds(row.created_at),
    expires_at: row.expires_at ? unixSeconds(row.expires_at) : null,
  };
}
