/** Query parameters of `GET /rastersources/{uuid}/data/`, validated into a typed request. */
import { z } from "zod";
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

type Refinement = z.RefinementCtx;

/** A query value read by `read` (undefined when absent or empty); `read` reports a bad one with `message`. */
function queryValue<T>(read: (raw: string) => T | undefined, message: string | ((raw: string) => string), json: Record<string, unknown>) {
  return z
    .string()
    .optional()
    .transform((raw, ctx: Refinement) => {
      if (raw === undefined || raw === "") return undefined;
      const value = read(raw);
      if (value === undefined) {
        ctx.addIssue({ code: "custom", message: typeof message === "string" ? message : message(raw) });
        return z.NEVER;
      }
      return value;
    })
    .meta(json);
}

const positiveInt = (description?: string) =>
  queryValue((raw) => (Number.isInteger(Number(raw)) && Number(raw) >= 1 ? Number(raw) : undefined), "Ensure this value is a positive integer.", { type: "integer", minimum: 1, ...(description && { description }) });

const finiteNumber = (description: string) => queryValue((raw) => (Number.isFinite(Number(raw)) ? Number(raw) : undefined), "A valid number is required.", { type: "number", description });

/** `west,south,east,north`, each a number, west < east and south < north. */
const BBOX = z
  .string({ error: "This parameter is required: bbox=west,south,east,north." })
  .transform((raw, ctx: Refinement): [number, number, number, number] => {
    const fail = (message: string) => {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    };
    if (raw === "") return fail("This parameter is required: bbox=west,south,east,north.");
    const parts = raw.split(",").map((p) => (p.trim() === "" ? NaN : Number(p)));
    if (parts.length !== 4 || !parts.every(Number.isFinite)) return fail("Expected four numbers: west,south,east,north.");
    const [w, s, e, n] = parts as [number, number, number, number];
    if (w >= e || s >= n) return fail("West must be less than east and south less than north.");
    return [w, s, e, n];
  })
  .meta({ type: "string", description: "west,south,east,north in `projection`." });

const FORMATS = ["json", "png", "octet-stream", "float32"] as const;

/**
 * The query of `GET /rastersources/{uuid}/data/`: the route validates it with this schema (so the
 * document is the validation) and `windowRequest` adds the defaults that need the bbox or Accept.
 */
export const WINDOW_QUERY = z
  .object({
    bbox: BBOX,
    width: positiveInt(`Pixels; default ${DEFAULT_SIZE} along the longer side, the other from the bbox's aspect.`),
    height: positiveInt(),
    projection: queryValue((raw) => (/^EPSG:\d{1,6}$/.test(raw.toUpperCase()) ? raw.toUpperCase() : undefined), 'Expected an EPSG code such as "EPSG:4326".', {
      type: "string",
      default: "EPSG:4326",
      description: "EPSG code of bbox and output grid.",
    }),
    time: queryValue((raw) => parseIsoTimestamp(raw) ?? undefined, "Expected an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z.", {
      type: "string",
      format: "date-time",
      description: "ISO 8601 date-time: the nearest step of a temporal source (default the latest).",
    }),
    band: positiveInt().meta({ type: "integer", minimum: 1, default: 1 }),
    format: queryValue((raw) => FORMATS.find((format) => format === raw), (raw) => `"${raw}" is not a valid choice (json, png, octet-stream).`, {
      type: "string",
      enum: [...FORMATS],
      description: "Default: float32 bytes when Accept asks application/octet-stream, else JSON.",
    }),
    colormap: queryValue((raw) => COLORMAPS.find((name) => name === raw), (raw) => `"${raw}" is not a valid choice (${COLORMAPS.join(", ")}).`, {
      type: "string",
      enum: [...COLORMAPS],
      default: "viridis",
      description: "PNG colour map.",
    }),
    min: finiteNumber("PNG colour map's low end (default the window's minimum)."),
    max: finiteNumber("PNG colour map's high end (default the window's maximum)."),
  })
  .superRefine((query, ctx) => {
    if (query.min !== undefined && query.max !== undefined && query.min >= query.max) ctx.addIssue({ code: "custom", path: ["min"], message: "min must be less than max." });
  });

/** What WINDOW_QUERY yields. */
export type WindowParameters = z.infer<typeof WINDOW_QUERY>;

/** The answer's format: `format=png`, else `Accept: application/octet-stream`, else JSON. */
function formatOf(format: string | undefined, accept: string | undefined): WindowFormat {
  if (format === "png" || format === "json") return format;
  if (format === "octet-stream" || format === "float32") return "octet-stream";
  return accept?.includes("application/octet-stream") ? "octet-stream" : "json";
}

/**
 * The window a validated query asks for. width/height default to 256 along the longer bbox side
 * and keep the bbox's aspect ratio for the other; the pixel limit depends on the format.
 */
export function windowRequest(query: WindowParameters, accept: string | undefined): WindowQuery {
  const { bbox } = query;
  const aspect = (bbox[3] - bbox[1]) / (bbox[2] - bbox[0]);
  let { width, height } = query;
  if (width === undefined && height === undefined) [width, height] = aspect <= 1 ? [DEFAULT_SIZE, undefined] : [undefined, DEFAULT_SIZE];
  width ??= Math.max(1, Math.round(height! / aspect));
  height ??= Math.max(1, Math.round(width * aspect));
  const format = formatOf(query.format, accept);
  const limit = format === "json" ? MAX_JSON_PIXELS : MAX_PIXELS;
  if (width * height > limit) throw fieldError("width", `The window has ${width * height} pixels; at most ${limit} are allowed for ${format}.`);
  return {
    bbox,
    width,
    height,
    projection: query.projection ?? "EPSG:4326",
    time: query.time ?? null,
    band: query.band ?? 1,
    format,
    colormap: query.colormap ?? "viridis",
    min: query.min,
    max: query.max,
  };
}

/** WINDOW_QUERY and `windowRequest` over a query string, outside a route: the first issue is the 400. */
export function parseWindowQuery(params: URLSearchParams, accept: string | undefined): WindowQuery {
  const parsed = WINDOW_QUERY.safeParse(Object.fromEntries(params));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw fieldError(String(issue.path[0] ?? ""), issue.message);
  }
  return windowRequest(parsed.data, accept);
}
