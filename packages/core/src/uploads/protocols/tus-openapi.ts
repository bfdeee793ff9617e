import { z } from "zod";
import { errorResponses, type ParameterSpec, type ResponseSpec, type RouteDeclaration } from "../../http/route.js";

/** A tus operation as declared: everything but the handler, which is the one tus handler for all. */
export type TusDeclaration = Omit<RouteDeclaration, "handler">;

const TUS_RESUMABLE_HEADER: ParameterSpec = { name: "Tus-Resumable", in: "header", required: true, description: "The protocol version, `1.0.0`", schema: { type: "string", const: "1.0.0" } };
const UPLOAD_LENGTH: ParameterSpec = { name: "Upload-Length", in: "header", description: "The whole file's size in bytes (or `Upload-Defer-Length: 1`)", schema: { type: "integer", minimum: 0 } };
const UPLOAD_DEFER_LENGTH: ParameterSpec = { name: "Upload-Defer-Length", in: "header", description: "`1`: the size is given by a later PATCH's `Upload-Length`", schema: { type: "string", const: "1" } };
const UPLOAD_METADATA: ParameterSpec = {
  name: "Upload-Metadata",
  in: "header",
  description:
    "Comma-separated `key base64value` pairs: `filename` (or `name`), `type` (an asset type key, or a MIME type), `filetype`, `md5` / `sha256` (whole-file digests, verified at the end), `author`, `copyright`, `notes`, `tags` (comma-separated), `default_field_metadata` (JSON)",
};
const UPLOAD_OFFSET: ParameterSpec = { name: "Upload-Offset", in: "header", required: true, description: "Where these bytes start: the offset HEAD reported", schema: { type: "integer", minimum: 0 } };
const UPLOAD_CHECKSUM: ParameterSpec = { name: "Upload-Checksum", in: "header", description: "`<algorithm> <base64 digest>` of this PATCH's bytes (checksum extension; 460 on a mismatch)" };

const TUS_HEADERS = { "Tus-Resumable": "`1.0.0`" };
const TUS_TEXT = z.string().meta({ description: "The error's detail, one line" });

/** tus errors are a line of text with `Tus-Resumable` (see TUS_ERRORS). */
const tusErrors = (descriptions: Record<number, string>) =>
  errorResponses(TUS_TEXT, descriptions, { contentType: "text/plain", headers: TUS_HEADERS })(...Object.keys(descriptions).map(Number));

const OPTIONS_RESPONSES: Record<number, ResponseSpec> = {
  204: {
    description: "What this server supports",
    headers: {
      "Tus-Resumable": "`1.0.0`",
      "Tus-Version": "Supported versions",
      "Tus-Extension": "creation, creation-with-upload, creation-defer-length, termination, expiration, checksum",
      "Tus-Max-Size": "The largest upload accepted, in bytes",
      "Tus-Checksum-Algorithm": "Algorithms of `Upload-Checksum`",
    },
  },
};

const tags = ["uploads"] as const;
const UPLOAD_ID = "The tus id: the Upload's uuid, from the creation's `Location`.";

/**
 * The tus 1.0 operations of `/uploads/tus` (core, creation, creation-defer-length, termination, checksum),
 * as `@tus/server` answers them behind `tusRoutes`' checks.
 */
export const tusDeclarations: readonly TusDeclaration[] = [
  {
    method: "options",
    path: "/",
    summary: "tus: what the server supports",
    tags,
    responses: OPTIONS_RESPONSES,
  },
  {
    method: "post",
    path: "/",
    summary: "tus: create a resumable upload (optionally with its first bytes)",
    description: "Creates an Upload in state `requested` whose uuid is the tus id. The size limit is the upload type's, checked against `Upload-Length`.",
    tags,
    signedIn: true,
    parameters: [TUS_RESUMABLE_HEADER, UPLOAD_LENGTH, UPLOAD_DEFER_LENGTH, UPLOAD_METADATA, UPLOAD_CHECKSUM],
    requestBody: {
      schema: z.string().meta({ contentMediaType: "application/offset+octet-stream" }),
      contentTypes: ["application/offset+octet-stream"],
      required: false,
      description: "The first bytes (creation-with-upload), or none",
    },
    responses: {
      201: { description: "Created", headers: { ...TUS_HEADERS, Location: "URL of the upload, for HEAD, PATCH and DELETE", "Upload-Offset": "Bytes received with the creation" } },
      ...tusErrors({ 400: "Missing or invalid Upload-Length, Upload-Metadata or type", 401: "Authentication required", 403: "Not allowed to upload", 412: "Unsupported Tus-Resumable", 413: "Larger than the type allows" }),
    },
  },
  {
    method: "head",
    path: "/:id",
    summary: "tus: how many bytes the server has",
    description: `${UPLOAD_ID} Once every byte is in, the answer carries \`Link: <…/uploads/42>; rel="upload", <…/jobs/…>; rel="job"\`.`,
    tags,
    signedIn: true,
    parameters: [TUS_RESUMABLE_HEADER],
    responses: {
      200: {
        description: "The upload's offset",
        headers: { ...TUS_HEADERS, "Upload-Offset": "Bytes received", "Upload-Length": "The whole size, once known", "Upload-Defer-Length": "`1` while the size is not known", "Upload-Metadata": "As created", Link: "The Upload and its job, once complete", "Cache-Control": "`no-store`" },
      },
      ...tusErrors({ 404: "No such upload of the caller's", 410: "Terminated, expired or refused" }),
    },
  },
  {
    method: "patch",
    path: "/:id",
    summary: "tus: append bytes at an offset",
    description: `${UPLOAD_ID} The PATCH that brings the last byte finishes the upload (queues its job) and carries the \`Link\` header.`,
    tags,
    signedIn: true,
    parameters: [TUS_RESUMABLE_HEADER, UPLOAD_OFFSET, UPLOAD_LENGTH, UPLOAD_CHECKSUM],
    requestBody: { schema: z.string().meta({ contentMediaType: "application/offset+octet-stream" }), contentTypes: ["application/offset+octet-stream"] },
    responses: {
      204: { description: "Stored", headers: { ...TUS_HEADERS, "Upload-Offset": "The new offset", Link: "The Upload and its job, when this PATCH completed it" } },
      ...tusErrors({
        400: "Invalid headers or checksum algorithm",
        404: "No such upload of the caller's",
        409: "Offset mismatch, or the upload is complete",
        410: "Terminated, expired or refused",
        413: "Beyond Upload-Length or the type's limit",
        415: "Not application/offset+octet-stream",
        460: "Checksum mismatch",
      }),
    },
  },
  {
    method: "delete",
    path: "/:id",
    summary: "tus: terminate an upload",
    description: `${UPLOAD_ID} The bytes are deleted and the Upload is rejected ("Cancelled").`,
    tags,
    signedIn: true,
    parameters: [TUS_RESUMABLE_HEADER],
    responses: { 204: { description: "Terminated", headers: TUS_HEADERS }, ...tusErrors({ 404: "No such upload of the caller's", 409: "The upload is complete", 410: "Already terminated, expired or refused" }) },
  },
  {
    method: "options",
    path: "/:id",
    summary: "tus: what the server supports (at an upload's URL)",
    tags,
    responses: OPTIONS_RESPONSES,
  },
];
