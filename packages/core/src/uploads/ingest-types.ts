import type { Readable } from "node:stream";
import type { Job, Upload } from "../generated/prisma/client.js";
import type { AssetTypeDefinition } from "../plugins/types.js";
import type { ServiceContext } from "../services/service-context.js";

/** One file to take in: the bytes stream to storage while md5 and sha256 are computed. */
export interface IngestRequest {
  body: Readable;
  /** Original filename, kept as metadata; storage keys never use it. */
  filename: string;
  /** Content type the client declared, checked against the sniffed one by the pipeline. */
  declaredMimeType?: string;
  /** Asset type key whose processors handle the upload; omitted: chosen from the content, or none. */
  type?: string;
  /** Resource the upload belongs to (e.g. a raster source receiving a new time step). */
  resourceId?: number;
  /** Client attributes kept on the upload (author, notes, tags, a time step's timestamp ...). */
  metadata?: Record<string, unknown>;
  /** Checksums the client sent; a mismatch rejects the bytes (nothing is kept). */
  expected?: { md5?: string; sha256?: string };
  /** Size the client announced (Content-Length of the part), checked against limits before reading. */
  declaredSize?: number;
  signal?: AbortSignal;
}

/** The stored upload (state `received`) and the job that will process it. */
export interface IngestResult {
  upload: Upload;
  job: Job;
}

/** The part of the pipeline that routes (core and plugins) use to take in files. */
export interface UploadIngest {
  ingest(ctx: ServiceContext, request: IngestRequest): Promise<IngestResult>;
  /** A job by id, or null. */
  job(id: string): Promise<Job | null>;
  /** The size limit for uploads of `type` (the global limit, lowered by the type's own). */
  maxSize(type: AssetTypeDefinition | undefined): number;
}
