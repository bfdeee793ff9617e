import { Busboy, type BusboyInstance } from "@fastify/busboy";
import type { Request } from "express";
import { Errors } from "../../errors/index.js";
import type { IngestResult } from "../ingest-types.js";
import type { Admission, IngestService } from "../ingest-service.js";
import type { StagedBytes } from "../object-store.js";
import type { ServiceContext } from "../../services/service-context.js";
import { sanitizeFilename } from "../filenames.js";
import { declaredMimeType as toDeclaredMimeType, mimeTypeProblem } from "../declared-mime-type.js";
import { MAX_ROW_ID, parseRowId } from "../../query/parse-value.js";
import { expectedChecksums } from "./checksum-headers.js";
import { findUnstorableJson, unstorableReason } from "../../db/storable-json.js";

/** Form fields kept as upload metadata (DatoCMS's names). */
const METADATA_FIELDS = new Set(["author", "copyright", "notes", "tags", "default_field_metadata"]);

/** Multipart framing allowed on top of the file itself before a request counts as too large. */
const FORM_OVERHEAD = 64 * 1024;

/**
 * Streams a `multipart/form-data` upload (one `file` part plus fields) into
 * the pipeline. Fields sent before the file choose its type (`type`) and
 * resource (`resource_id`, also accepted as a query parameter); all fields
 * are recorded. A resource named before the file is authorized before any
 * of the file's bytes are read, so a caller who may not change it gets its
 * 404 or 403 at once; one named after the file is checked once the bytes are
 * in. Nothing is buffered: the file part streams to storage while it is hashed.
 */
export async function ingestMultipart(req: Request, ctx: ServiceContext, ingest: IngestService): Promise<IngestResult> {
  const queryResourceId = resourceIdOf(req.query.resource_id, { parameter: "resource_id" });
  let admission: Admission = await ingest.admit(ctx, queryResourceId);
  const fields = new Map<string, string[]>();
  const abort = new AbortController();
  const onClose = () => {
    if (!req.complete) abort.abort(Errors.UPLOAD_INTERRUPTED());
  };
  req.once("close", onClose);
  const contentLength = Number(req.get("content-length") ?? NaN);

  let parser: BusboyInstance;
  try {
    parser = Busboy({
      headers: req.headers as { "content-type": string },
      preservePath: true,
      // As busboy 1.x decided: an empty filename does not make a part a file.
      isPartAFile: (_name, type, filename) => type === "application/octet-stream" || Boolean(filename),
      limits: { files: 1, fields: 100, fieldSize: 64 * 1024, parts: 101 },
    });
  } catch (error) {
    throw Errors.MALFORMED_UPLOAD({ detail: `Not a valid multipart/form-data request: ${(error as Error).message}`, cause: error });
  }

  let staging: Promise<StagedBytes> | null = null;
  let filename = "";
  let declaredMimeType: string | undefined;
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on("field", (name, value) => fields.set(name, [...(fields.get(name) ?? []), value]));
    parser.on("file", (name, stream, partFilename, _encoding, mimeType) => {
      if (staging || name !== "file") {
        stream.resume();
        if (!staging) reject(Errors.MALFORMED_UPLOAD({ detail: `Unexpected file part '${name}': send the file as the part named 'file'` }));
        return;
      }
      const mimeProblem = mimeTypeProblem(mimeType);
      if (mimeProblem) {
        stream.resume();
        reject(Errors.INVALID_BODY({ detail: `file: ${mimeProblem}`, source: { pointer: "/file" } }));
        return;
      }
      filename = partFilename ?? "";
      declaredMimeType = toDeclaredMimeType(mimeType);
      // A resource named ahead of the file is authorized while the file's bytes wait unread.
      const named = (async () => {
        const fieldResourceId = resourceIdOf(first(fields, "resource_id"), { pointer: "/resource_id" });
        if (fieldResourceId === undefined || fieldResourceId === admission.resourceId) return;
        if (admission.resourceId !== undefined) throw Errors.INVALID_BODY({ detail: "resource_id differs between the query and the form", source: { pointer: "/resource_id" } });
        await ingest.assertMayChange(ctx, fieldResourceId);
        admission = { ...admission, resourceId: fieldResourceId };
      })();
      staging = named.then(() => ingest.store(ctx, {
        body: stream,
        filename: sanitizeFilename(filename),
        type: first(fields, "type"),
        declaredSize: Number.isFinite(contentLength) && contentLength > FORM_OVERHEAD ? contentLength - FORM_OVERHEAD : undefined,
        declaredMimeType,
        expected: expectedChecksums(req),
        signal: abort.signal,
        admission,
      }));
      // A failing store ends the request early (413, checksum); stop parsing so the error answers at once.
      staging.catch((error: unknown) => reject(error));
    });
    parser.on("filesLimit", () => reject(Errors.MALFORMED_UPLOAD({ detail: "Send exactly one file per request" })));
    parser.on("partsLimit", () => reject(Errors.MALFORMED_UPLOAD({ detail: "Too many form parts" })));
    parser.on("fieldsLimit", () => reject(Errors.MALFORMED_UPLOAD({ detail: "Too many form fields" })));
    parser.on("error", (error: Error) => reject(Errors.MALFORMED_UPLOAD({ detail: `Malformed multipart body: ${error.message}`, cause: error })));
    parser.on("finish", () => resolve());
  });
  req.pipe(parser);

  try {
    await parsed;
    if (!staging) throw Errors.MALFORMED_UPLOAD({ detail: "The form has no part named 'file'", source: { pointer: "/file" } });
    const staged = await (staging as Promise<StagedBytes>);
    const metadata: Record<string, unknown> = {};
    for (const [name, values] of fields) if (METADATA_FIELDS.has(name)) metadata[name] = metadataValue(name, values);
    // The filename and fields are stored as text and jsonb (see findUnstorableJson).
    const unstorable = findUnstorableJson({ file: filename }) ?? findUnstorableJson(Object.fromEntries(fields)) ?? findUnstorableJson(metadata);
    if (unstorable) {
      const part = unstorable.pointer.split("/")[1] ?? "";
      await ingest.discard(staged);
      throw Errors.INVALID_BODY({ detail: `${part}: ${unstorableReason(unstorable.problem)}`, source: { pointer: `/${part}` } });
    }
    let resourceId: number | undefined;
    try {
      resourceId = resourceIdOf(first(fields, "resource_id"), { pointer: "/resource_id" }) ?? admission.resourceId;
      if (admission.resourceId !== undefined && resourceId !== admission.resourceId) throw Errors.INVALID_BODY({ detail: "resource_id differs between the query and the form", source: { pointer: "/resource_id" } });
    } catch (error) {
      await ingest.discard(staged);
      throw error;
    }
    return await ingest.register(ctx, staged, {
      filename: sanitizeFilename(filename),
      originalFilename: filename,
      declaredMimeType,
      type: first(fields, "type"),
      resourceId,
      metadata,
      admission,
    });
  } catch (error) {
    abort.abort(error);
    req.unpipe(parser);
    // Whatever was staged is discarded by the store itself (abort) or here.
    const staged = await (staging as Promise<StagedBytes> | null)?.catch(() => null);
    if (staged) await ingest.discard(staged);
    throw error;
  } finally {
    req.off("close", onClose);
  }
}

/** A `resource_id` as sent (form field or query parameter): undefined when absent, else a row id or a 400. */
function resourceIdOf(raw: unknown, source: { pointer: string } | { parameter: string }): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  const id = typeof raw === "string" ? parseRowId(raw) : null;
  if (id === null) {
    const detail = `resource_id must be an integer from 0 to ${MAX_ROW_ID}`;
    throw "parameter" in source ? Errors.INVALID_PARAMETER({ detail, source }) : Errors.INVALID_BODY({ detail, source });
  }
  return id;
}

function first(fields: Map<string, string[]>, name: string): string | undefined {
  const value = fields.get(name)?.[0];
  return value === undefined || value === "" ? undefined : value;
}

function metadataValue(name: string, values: string[]): unknown {
  if (name === "tags") return values.flatMap((v) => v.split(",")).map((t) => t.trim()).filter(Boolean);
  if (name === "default_field_metadata") {
    try {
      return JSON.parse(values[0]);
    } catch {
      throw Errors.INVALID_BODY({ detail: "default_field_metadata must be a JSON object", source: { pointer: "/default_field_metadata" } });
    }
  }
  return values[0];
}
