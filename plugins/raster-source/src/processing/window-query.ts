/** Query parameters of `GET /rastersources/{uuid}/data/`, validated into a typed request. */
import type { ParameterSpec } from "@assets/core";
import type { ColormapName } from "@assets/geotiff";
import { fieldError } from "./field-error.js";
import { parseIsoTimestamp } from "./timestamps.js";

/** How the window is answered. */
export type WindowFormat = "json" | "octet-stream" | "png";

/** A validated window request. */
export interface WindowQuery {
  /** [west, south, east, north] in `projection`. */
  bbox: [number, number, number, number];
  width: number;
  height: number;
  /** "EPSG:<code>" of bbox and output grid; Lizard's default is EPSG:4326. */
  projection: string;
  /** Step to read for temporal sources (nearest); null: the latest. */
  time: Date | null;
  band: number;
  format: WindowFormat;
  colormap: ColormapName;
  /** Value range of the PNG colour map; default the window's own min/max. */
  min?: number;
  max?: number;
}

/** Largest window for binary and PNG answers, and for JSON (whose text is ~10x larger). */
export const MAX_PIXELS = 4096 * 4096;
export const MAX_JSON_PIXELS = 1024 * 1024;
const DEFAULT_SIZE = 256;
const COLORMAPS: readonly ColormapName[] = ["viridis", "gray"];

function positiveInt(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw fieldError(name, "Ensure this value is a positive integer.");
  return n;
}

function optionalNumber(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw fieldError(name, "A valid number is required.");
  return n;
}

function parseBbox(raw: string | null): [number, number, number, number] {
  if (raw === null || raw === "") throw fieldError("bbox", "This parameter is required: bbox=west,south,east,north.");
  const parts = raw.split(",").map((p) => (p.trim() === "" ? NaN : Number(p)));
  if (parts.length !== 4 || !parts.every(Number.isFinite)) throw fieldError("bbox", "Expected four numbers: west,south,east,north.");
  const [w, s, e, n] = parts as [number, number, number, number];
  if (w >= e || s >= n) throw fieldError("bbox", "West must be less than east and south less than north.");
  return [w, s, e, n];
}

/** The answer's format: `format=png`, else `Accept: application/octet-stream`, else JSON. */
function parseFormat(params: URLSearchParams, accept: string | undefined): WindowFormat {
  const format = params.get("format");
  if (format === "png") return "png";
  if (format === "json") return "json";
  if (format === "octet-stream" || format === "float32") return "octet-stream";
  if (format !== null && format !== "") throw fieldError("format", `"${format}" is not a valid choice (json, png, octet-stream).`);
  return accept?.includes("application/octet-stream") ? "octet-stream" : "json";
}

/** What `parseWindowQuery` reads, for the OpenAPI document (kept beside the parser it describes). */
export const WINDOW_PARAMETERS: readonly ParameterSpec[] = [
  { name: "bbox", in: "query", required: true, description: "west,south,east,north in `projection`.", schema: { type: "string" } },
  { name: "width", in: "query", description: `Pixels; default ${DEFAULT_SIZE} along the longer side, the other from the bbox's aspect.`, schema: { type: "integer", minimum: 1 } },
  { name: "height", in: "query", schema: { type: "integer", minimum: 1 } },
  { name: "projection", in: "query", description: "EPSG code of bbox and output grid.", schema: { type: "string", default: "EPSG:4326" } },
  { name: "time", in: "query", description: "ISO 8601 date-time: the nearest step of a temporal source (default the latest).", schema: { type: "string", format: "date-time" } },
  { name: "band", in: "query", schema: { type: "integer", minimum: 1, default: 1 } },
  { name: "format", in: "query", description: "Default: float32 bytes when Accept asks application/octet-stream, else JSON.", schema: { type: "string", enum: ["json", "png", "octet-stream", "float32"] } },
  { name: "colormap", in: "query", description: "PNG colour map.", schema: { type: "string", enum: [...COLORMAPS], default: "viridis" } },
  { name: "min", in: "query", description: "PNG colour map's low end (default the window's minimum).", schema: { type: "number" } },
  { name: "max", in: "query", description: "PNG colour map's high end (default the window's maximum).", schema: { type: "number" } },
];

/**
 * Validates the query. width/height default to 256 along the longer bbox side and keep the
 * bbox's aspect ratio for the other.
 */
export function parseWindowQuery(params: URLSearchParams, accept: string | undefined): WindowQuery {
  const bbox = parseBbox(params.get("bbox"));
  const aspect = (bbox[3] - bbox[1]) / (bbox[2] - bbox[0]);
  let width = positiveInt(params, "width");
  let height = positiveInt(params, "height");
  if (width === undefined && height === undefined) [width, height] = aspect <= 1 ? [DEFAULT_SIZE, undefined] : [undefined, DEFAULT_SIZE];
  width ??= Math.max(1, Math.round(height! / aspect));
  height ??= Math.max(1, Math.round(width * aspect));
  const format = parseFormat(params, accept);
  const limit = format === "json" ? MAX_JSON_PIXELS : MAX_PIXELS;
  if (width * height > limit) throw fieldError("width", `The window has ${width * height} pixels; at most ${limit} are allowed for ${format}.`);

  const projection = (params.get("projection") || "EPSG:4326").toUpperCase();
  if (!/^EPSG:\d{1,6}$/.test(projection)) throw fieldError("projection", 'Expected an EPSG code such as "EPSG:4326".');
  const rawTime = params.get("time");
  const time = rawTime ? parseIsoTimestamp(rawTime) : null;
  if (rawTime && !time) throw fieldError("time", "Expected an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z.");
  const colormap = (params.get("colormap") || "viridis") as ColormapName;
  if (!COLORMAPS.includes(colormap)) throw fieldError("colormap", `"${colormap}" is not a valid choice (${COLORMAPS.join(", ")}).`);
  const min = optionalNumber(params, "min");
  const max = optionalNumber(params, "max");
  if (min !== undefined && max !== undefined && min >= max) throw fieldError("min", "min must be less than max.");
  return { bbox, width, height, projection, time, band: positiveInt(params, "band") ?? 1, format, colormap, min, max };
}
