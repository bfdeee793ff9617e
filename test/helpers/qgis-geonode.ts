/**
 * The QGIS GeoNode plugin's upload flow (GeoNode/QGISGeoNodePlugin, `tasks.LayerUploaderTask`
 * and `network.build_multipart`), replayed request for request against the app: the multipart
 * POST to `/api/v2/uploads/upload/` with its parts in the plugin's order and content types,
 * `execution_id` parsed from the body, then `GET /api/v2/executionrequest/{id}` (no trailing
 * slash) until `request.status` is `finished` or `failed`. Only the 3 s poll interval is shortened.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Express } from "express";
import request from "supertest";

/** What the plugin's task ends with. */
export interface QgisUploadOutcome {
  uploadStatus: number;
  executionId: string | null;
  /** Every poll's HTTP status and parsed `request.status`. */
  polls: { http: number; status: string | null }[];
  /** The last poll's body. */
  last: Record<string, unknown> | null;
  ok: boolean;
  /** `_failure_message`: "Upload failed on the GeoNode server: <log>" when the import failed. */
  error: string | null;
}

/** A layer as the plugin sends it: the main file and its sidecars (form field -> path), in order. */
export interface QgisLayer {
  title?: string;
  abstract?: string;
  main: string;
  sidecars: [field: string, path: string][];
  allowPublicAccess: boolean;
}

/** `network.build_multipart`: the fields, then base_file and the sidecars. */
function buildMultipart(req: request.Test, layer: QgisLayer): request.Test {
  if (layer.title) req.field("dataset_title", layer.title);
  if (layer.abstract) req.field("abstract", layer.abstract);
  for (const item of ["time", "mosaic", "metadata_uploaded_preserve", "metadata_upload_form", "style_upload_form"]) req.field(item, "false");
  req.field("action", "upload");
  const permissions = { users: layer.allowPublicAccess ? { AnonymousUser: ["view_resourcebase", "download_resourcebase"] } : {}, groups: {} };
  req.field("permissions", JSON.stringify(permissions));
  for (const [field, path] of [["base_file", layer.main] as [string, string], ...layer.sidecars]) {
    const filename = basename(path);
    const contentType = filename.endsWith(".tif") ? "image/tiff" : "application/qgis";
    req.attach(field, readFileSync(path), { filename, contentType });
  }
  return req;
}

/** `LayerUploaderTask.run` with `execution_request_url_template` set, as the plugin's GeoNode v2 client does. */
export async function qgisUpload(app: Express, auth: Record<string, string>, layer: QgisLayer, options: { pollMs?: number; maxPolls?: number } = {}): Promise<QgisUploadOutcome> {
  const api = "/api/v2";
  const upload = await buildMultipart(request(app).post(`${api}/uploads/upload/`).set(auth), layer);
  const outcome: QgisUploadOutcome = { uploadStatus: upload.status, executionId: null, polls: [], last: null, ok: false, error: null };
  if (upload.status < 200 || upload.status >= 300) return outcome;
  const executionId = typeof upload.body?.execution_id === "string" && upload.body.execution_id ? (upload.body.execution_id as string) : null;
  outcome.executionId = executionId;
  if (!executionId) {
    outcome.error = "Upload accepted but server did not return an execution_id";
    return outcome;
  }
  for (let i = 0; i < (options.maxPolls ?? 600); i += 1) {
    const poll = await request(app).get(`${api}/executionrequest/${executionId}`).set(auth);
    const record = (poll.body?.request && typeof poll.body.request === "object" ? poll.body.request : poll.body) as Record<string, unknown>;
    const status = typeof record?.status === "string" ? record.status : null;
    outcome.polls.push({ http: poll.status, status });
    outcome.last = poll.body;
    if (poll.status < 200 || poll.status >= 300) return outcome;
    if (status === "finished") return { ...outcome, ok: true };
    if (status === "failed") {
      const log = typeof record.log === "string" ? record.log : null;
      return { ...outcome, error: log ? `Upload failed on the GeoNode server: ${log}` : "Upload failed on the GeoNode server" };
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
  return { ...outcome, error: "Upload tracking timed out" };
}
