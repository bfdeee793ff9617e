/**
 * GeoNode's dataset upload form (`POST /api/v2/uploads/upload`), streamed into the pipeline as
 * ONE upload: a Shapefile sent as parts (`base_file` = .shp, `dbf_file`, `shx_file`, `prj_file`,
 * optional `xml_file`, `sld_file`, `cpg_file`) is written, as it arrives, into a zip of stored
 * entries (yazl), which the zipped-Shapefile reader then reads; any other `base_file` (GeoJSON,
 * zip, CSV, FlatGeobuf, GeoPackage, GeoTIFF) streams as it is; a GeoTIFF (.tif, .tiff) goes to the
 * `raster_dataset` type. Nothing is buffered.
 */
import { PassThrough, type Readable } from "node:stream";
import { Busboy, type BusboyInstance } from "@fastify/busboy";
import type { Request } from "express";
import yazl from "yazl";
import { AppError, Errors, parsePermSpec, type IngestResult, type RequestedGrant, type ServiceContext, type UploadIngest } from "@assets/core";
import { z } from "zod";
import { DATASET_TYPE, RASTER_DATASET_TYPE } from "../model/dataset-type.js";
import type { DatasetUploadMetadata } from "../processing/form-metadata.js";

/** The form's file fields and, for a Shapefile's parts, the extension each stands for. */
const SHAPEFILE_PARTS: Readonly<Record<string, string>> = {
  base_file: "shp",
  dbf_file: "dbf",
  shx_file: "shx",
  prj_file: "prj",
  cpg_file: "cpg",
  xml_file: "xml",
  sld_file: "sld",
};
const FILE_FIELDS = new Set([...Object.keys(SHAPEFILE_PARTS), "tif_file"]);
/** A base_file with one of these extensions is a GeoTIFF: processed by raster-source's steps. */
const TIFF_EXTENSIONS = new Set(["tif", "tiff"]);
/** GeoNode's `action` values this profile serves. */
const ACTIONS = new Set(["upload"]);

const file = (description: string) => z.string().meta({ contentMediaType: "application/octet-stream" }).describe(description);

/** The form this module reads, for the OpenAPI document: fields first, then the files. */
export const GEONODE_UPLOAD_FORM = z.object({
  dataset_title: z.string().optional(),
  abstract: z.string().optional(),
  action: z.enum([...ACTIONS] as [string, ...string[]]).optional(),
  overwrite_existing_layer: z.string().optional().describe("true replaces a dataset's data: the one resource_pk names, else the caller's dataset of the same layer name"),
  resource_pk: z.string().optional().describe("With overwrite_existing_layer: the id of the dataset to replace (the caller must be able to change it)"),
  permissions: z.string().optional().describe("A perm_spec as JSON"),
  ...Object.fromEntries(Object.entries(SHAPEFILE_PARTS).map(([field, extension]) => [field, field === "base_file" ? file("The dataset: .shp (with its parts), GeoJSON, CSV, GeoPackage, FlatGeobuf, zip or GeoTIFF") : file(`The Shapefile's .${extension}`).optional()])),
  tif_file: file("A GeoTIFF (GeoNode's form repeats base_file here)").optional(),
});

const invalid = (field: string, detail: string) => Errors.INVALID_BODY({ detail, source: { pointer: `/${field}` } });

function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf(".");
  return dot > 0 ? filename.slice(dot + 1).toLowerCase() : "";
}

function stemOf(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? "";
  const dot = base.lastIndexOf(".");
  return (dot > 0 ? base.slice(0, dot) : base).replace(/[^\w.-]+/g, "_") || "dataset";
}

function truthy(value: string | undefined): boolean {
  return value !== undefined && ["true", "1", "on", "yes"].includes(value.trim().toLowerCase());
}

/** The form's fields as read so far: the metadata, and which dataset an overwrite replaces. */
type FormState = DatasetUploadMetadata & { overwrite?: boolean; resourcePk?: number };

/** Reads one form field into the metadata, throwing a 400 for a bad value. */
function takeField(name: string, value: string, into: FormState): void {
  if (name === "dataset_title" && value.trim()) into.dataset_title = value.trim();
  else if (name === "abstract" && value.trim()) into.abstract = value.trim();
  else if (name === "action" && !ACTIONS.has(value)) throw invalid("action", `action '${value}' is not supported here; send action=upload`);
  else if (name === "overwrite_existing_layer") into.overwrite = truthy(value);
  else if (name === "resource_pk" && value.trim()) {
    if (!/^\d{1,9}$/.test(value.trim())) throw invalid("resource_pk", "resource_pk must be a resource id");
    into.resourcePk = Number(value.trim());
  }
  else if (name === "permissions" && value.trim()) {
    let spec: unknown;
    try {
      spec = JSON.parse(value);
    } catch {
      throw invalid("permissions", "permissions must be a JSON perm_spec ({\"users\": {...}, \"groups\": {...}})");
    }
    const grants: RequestedGrant[] = parsePermSpec(spec);
    into.grants = grants;
  }
}

/** How the first file part decided to send the bytes. */
type Body =
  | { kind: "shapefile"; zip: yazl.ZipFile; output: PassThrough; stem: string; seen: Set<string> }
  | { kind: "single"; pass: PassThrough; field: string };

/**
 * Streams the form into `uploads.ingest`. `resolveOverwrite(name, resourcePk)` names the dataset an
 * `overwrite_existing_layer=true` upload replaces (or undefined). Answers the upload and its job.
 */
export async function ingestGeonodeForm(
  req: Request,
  ctx: ServiceContext,
  uploads: UploadIngest,
  resolveOverwrite: (filename: string, resourcePk: number | undefined) => Promise<number | undefined>,
): Promise<IngestResult> {
  let parser: BusboyInstance;
  try {
    parser = Busboy({ headers: req.headers as { "content-type": string }, limits: { files: 10, fields: 50, fieldSize: 256 * 1024, parts: 60 } });
  } catch (error) {
    throw Errors.MALFORMED_UPLOAD({ detail: `Not a valid multipart/form-data request: ${(error as Error).message}`, cause: error });
  }
  const form: FormState = {};
  const metadata: Record<string, unknown> = {};
  const abort = new AbortController();
  // Set from the parser's callbacks; a holder, so the checks after parsing see what they set.
  const state: { body: Body | null; ingesting: Promise<IngestResult> | null; failure: unknown } = { body: null, ingesting: null, failure: null };

  const fail = (error: unknown) => {
    state.failure ??= error;
    const { body } = state;
    if (body) {
      const stream = body.kind === "single" ? body.pass : body.output;
      // The failure is kept in state.failure; the stream's own error event (no reader yet when the
      // overwrite target was refused) only echoes it.
      stream.once("error", () => undefined);
      stream.destroy(error as Error);
    }
    abort.abort(error);
    stopParsing();
  };
  // A failure answers at once: parsing stops (the rest of the body is drained, not read).
  let stopParsing = () => {};
  const onClose = () => {
    if (!req.complete) fail(Errors.UPLOAD_INTERRUPTED());
  };
  req.once("close", onClose);

  const start = (stream: Readable, filename: string) => {
    // `overwrite_existing_layer` counts when sent before the files (as GeoNode's clients do): the
    // dataset it replaces is authorized before any byte is stored. Metadata is read when the bytes
    // are registered, after the body ends, i.e. after the last part: fields after the files count.
    const overwrite = form.overwrite ? resolveOverwrite(filename, form.resourcePk) : Promise.resolve(undefined);
    const type = TIFF_EXTENSIONS.has(extensionOf(filename)) ? RASTER_DATASET_TYPE : DATASET_TYPE;
    state.ingesting = overwrite.then((resourceId) => uploads.ingest(ctx, { body: stream, filename, type, resourceId, metadata, signal: abort.signal }));
    state.ingesting.catch(fail);
  };

  const onFile = (field: string, stream: Readable, filename: string) => {
    if (state.failure) return void stream.resume();
    if (!FILE_FIELDS.has(field)) {
      stream.resume();
      return fail(invalid(field, `Unexpected file field '${field}'; GeoNode's form sends ${[...FILE_FIELDS].join(", ")}`));
    }
    const shapefilePart = field !== "tif_file" && (field !== "base_file" || extensionOf(filename) === "shp");
    if (!state.body) {
      if (shapefilePart && !["xml_file", "sld_file"].includes(field)) {
        const zip = new yazl.ZipFile();
        const output = new PassThrough();
        zip.outputStream.pipe(output);
        state.body = { kind: "shapefile", zip, output, stem: stemOf(filename), seen: new Set() };
        start(output, `${state.body.stem}.zip`);
      } else if (field === "base_file") {
        const pass = new PassThrough();
        state.body = { kind: "single", pass, field };
        // Ended after the last part (see start), so fields sent after the file are in the metadata.
        stream.pipe(pass, { end: false });
        start(pass, filename.split(/[\\/]/).pop() || "dataset");
        return;
      } else if (field !== "tif_file") {
        stream.resume(); // a style or metadata document ahead of the data: not kept
        return;
      }
    }
    const { body } = state;
    if (body?.kind === "shapefile" && shapefilePart) {
      const extension = SHAPEFILE_PARTS[field]!;
      if (body.seen.has(field)) {
        stream.resume();
        return fail(invalid(field, `${field} was sent twice`));
      }
      body.seen.add(field);
      body.zip.addReadStream(stream, `${body.stem}.${extension}`, { compress: false });
      return;
    }
    if (body?.kind === "single" && (field === "tif_file" || field === "xml_file" || field === "sld_file")) {
      // GeoNode's form sends a GeoTIFF twice (base_file and tif_file); one copy is kept.
      stream.resume();
      return;
    }
    stream.resume();
    if (field === "tif_file" && !body) return fail(invalid("base_file", "base_file is required: send the GeoTIFF as base_file (tif_file may repeat it)"));
    fail(invalid(field, `${field} belongs to a Shapefile; the base_file sent is not a .shp`));
  };

  const parsed = new Promise<void>((resolve) => {
    stopParsing = resolve;
    parser.on("field", (name, value) => {
      try {
        takeField(name, value, form);
      } catch (error) {
        fail(error);
      }
    });
    parser.on("file", (field, stream, filename) => onFile(field, stream, filename ?? ""));
    parser.on("filesLimit", () => fail(Errors.MALFORMED_UPLOAD({ detail: "Too many files in one upload form" })));
    parser.on("partsLimit", () => fail(Errors.MALFORMED_UPLOAD({ detail: "Too many form parts" })));
    parser.on("fieldsLimit", () => fail(Errors.MALFORMED_UPLOAD({ detail: "Too many form fields" })));
    parser.on("error", (error: Error) => fail(Errors.MALFORMED_UPLOAD({ detail: `Malformed multipart body: ${error.message}`, cause: error })));
    parser.on("finish", () => resolve());
  });
  req.pipe(parser);

  try {
    await parsed;
    const { body } = state;
    if (!body) fail(invalid("base_file", "base_file is required"));
    else if (body.kind === "shapefile" && !body.seen.has("base_file")) fail(invalid("base_file", "base_file (the .shp) is required"));
    if (!state.failure) {
      Object.assign(metadata, { dataset_title: form.dataset_title, abstract: form.abstract, grants: form.grants } satisfies DatasetUploadMetadata);
      for (const key of Object.keys(metadata)) if (metadata[key] === undefined) delete metadata[key];
      if (body?.kind === "shapefile") body.zip.end();
      else body?.pass.end();
    }
    if (state.failure || !state.ingesting) {
      await state.ingesting?.catch(() => undefined);
      throw state.failure;
    }
    return await state.ingesting;
  } catch (error) {
    req.unpipe(parser);
    if (!req.complete) req.resume();
    // The first failure is the reason; a stream torn down after it only echoes it.
    throw state.failure instanceof AppError ? state.failure : error;
  } finally {
    req.off("close", onClose);
  }
}
