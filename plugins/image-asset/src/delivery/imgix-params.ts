/**
 * imgix's URL parameters, the ones DatoCMS documents for its image CDN, parsed and checked
 * one by one. Every mistake is a 400 (INVALID_PARAMETER) naming the parameter. Parameters
 * this module does not know are ignored, as imgix ignores them (`?v=2` cache busters), and
 * never reach the cache key.
 */
import { Errors } from "@assets/core";

/** imgix `fit` modes implemented here. */
export const FITS = ["clip", "crop", "max", "min", "fill", "scale"] as const;
export type Fit = (typeof FITS)[number];

/** imgix `crop` values implemented here (`faces` needs face detection, which is not here). */
export const CROPS = ["focalpoint", "top", "bottom", "left", "right", "entropy", "edges"] as const;
export type Crop = (typeof CROPS)[number];

/** imgix `fm` values implemented here (`pjpg` is a progressive JPEG). */
export const OUTPUT_FORMATS = ["jpg", "pjpg", "png", "webp", "avif", "gif"] as const;
export type OutputFormatName = (typeof OUTPUT_FORMATS)[number];

/** imgix `auto` values implemented here. */
export const AUTOS = ["format", "compress"] as const;
export type Auto = (typeof AUTOS)[number];

/** A `w` or `h`: pixels, or (a value below 1, as imgix reads it) a fraction of the source. */
export type Dimension = { pixels: number } | { fraction: number };

/** The parsed parameters; absent ones are undefined, never defaulted here. */
export interface ImgixParams {
  w?: Dimension;
  h?: Dimension;
  fit?: Fit;
  crop?: Crop[];
  fpX?: number;
  fpY?: number;
  fpZ?: number;
  fm?: OutputFormatName;
  q?: number;
  dpr?: number;
  /** `ar=16:9` as width / height. */
  ar?: number;
  /** `rect=x,y,w,h`: the source region to start from, in source pixels. */
  rect?: { x: number; y: number; width: number; height: number };
  auto?: Auto[];
}

/** Largest `dpr` accepted. */
export const MAX_DPR = 5;
/** Largest `fp-z` accepted. */
export const MAX_ZOOM = 100;

/** The names this module reads; anything else in a query is ignored. */
export const IMGIX_PARAMETERS = ["w", "h", "fit", "crop", "fp-x", "fp-y", "fp-z", "fm", "q", "dpr", "ar", "rect", "auto"] as const;

function invalid(parameter: string, detail: string): never {
  throw Errors.INVALID_PARAMETER({ detail, source: { parameter } });
}

/** Parses the imgix parameters of `query`, checking each value and the combinations imgix defines. */
export function parseImgixParams(query: URLSearchParams): ImgixParams {
  const read = (name: string): string | undefined => {
    const values = query.getAll(name);
    if (values.length > 1) invalid(name, `${name} is given ${values.length} times; give it once`);
    return values[0];
  };
  const params: ImgixParams = {};
  const w = read("w");
  if (w !== undefined) params.w = dimension("w", w);
  const h = read("h");
  if (h !== undefined) params.h = dimension("h", h);
  const fit = read("fit");
  if (fit !== undefined) params.fit = oneOf("fit", fit, FITS);
  const crop = read("crop");
  if (crop !== undefined) params.crop = listOf("crop", crop, CROPS);
  const fpX = read("fp-x");
  if (fpX !== undefined) params.fpX = numberIn("fp-x", fpX, 0, 1);
  const fpY = read("fp-y");
  if (fpY !== undefined) params.fpY = numberIn("fp-y", fpY, 0, 1);
  const fpZ = read("fp-z");
  if (fpZ !== undefined) params.fpZ = numberIn("fp-z", fpZ, 1, MAX_ZOOM);
  const fm = read("fm");
  if (fm !== undefined) params.fm = oneOf("fm", fm === "jpeg" ? "jpg" : fm, OUTPUT_FORMATS);
  const q = read("q");
  if (q !== undefined) params.q = integerIn("q", q, 0, 100);
  const dpr = read("dpr");
  if (dpr !== undefined) {
    params.dpr = numberIn("dpr", dpr, 0, MAX_DPR);
    if (params.dpr === 0) invalid("dpr", "dpr must be greater than 0");
  }
  const ar = read("ar");
  if (ar !== undefined) params.ar = aspectRatio(ar);
  const rect = read("rect");
  if (rect !== undefined) params.rect = region(rect);
  const auto = read("auto");
  if (auto !== undefined) params.auto = listOf("auto", auto, AUTOS);
  checkCombinations(params);
  return params;
}

/** The combinations imgix gives no meaning to, refused rather than silently ignored. */
function checkCombinations(params: ImgixParams): void {
  const cropping = params.fit === "crop";
  if (params.ar !== undefined && !cropping) invalid("ar", "ar applies only with fit=crop");
  if (params.crop !== undefined && !cropping) invalid("crop", "crop applies only with fit=crop");
  for (const [name, value] of [["fp-x", params.fpX], ["fp-y", params.fpY], ["fp-z", params.fpZ]] as const) {
    if (value !== undefined && !cropping) invalid(name, `${name} applies only with fit=crop`);
  }
  const crop = params.crop ?? [];
  if (crop.includes("focalpoint") && crop.length > 1) invalid("crop", "crop=focalpoint cannot be combined with other crop modes");
  // DatoCMS adds fp-x/fp-y to fit=crop URLs of assets with a focal point; with another crop
  // mode they are ignored, as imgix ignores them.
  if (params.fpZ !== undefined && !focalCrop(params)) invalid("fp-z", "fp-z zooms on the focal point: give crop=focalpoint or fp-x and fp-y");
  const strategies = crop.filter((mode) => mode === "entropy" || mode === "edges");
  if (strategies.length > 0 && crop.length > 1) invalid("crop", "crop=entropy and crop=edges stand alone");
  if (crop.includes("top") && crop.includes("bottom")) invalid("crop", "crop cannot be both top and bottom");
  if (crop.includes("left") && crop.includes("right")) invalid("crop", "crop cannot be both left and right");
}

/** Whether a fit=crop request crops around a focal point (crop=focalpoint, or fp-x/fp-y without another crop mode). */
export function focalCrop(params: ImgixParams): boolean {
  if (params.fit !== "crop") return false;
  if (params.crop) return params.crop.includes("focalpoint");
  return params.fpX !== undefined || params.fpY !== undefined;
}

const DECIMAL = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

function decimal(name: string, raw: string): number {
  const text = raw.trim();
  if (!DECIMAL.test(text)) invalid(name, `${name} must be a number, not '${raw}'`);
  return Number(text);
}

function numberIn(name: string, raw: string, min: number, max: number): number {
  const value = decimal(name, raw);
  if (value < min || value > max) invalid(name, `${name} must be between ${min} and ${max}, not ${raw}`);
  return value;
}

function integerIn(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw.trim())) invalid(name, `${name} must be a whole number, not '${raw}'`);
  return numberIn(name, raw, min, max);
}

function dimension(name: "w" | "h", raw: string): Dimension {
  const value = decimal(name, raw);
  if (value <= 0) invalid(name, `${name} must be greater than 0`);
  if (value < 1) return { fraction: value };
  if (!Number.isSafeInteger(Math.round(value))) invalid(name, `${name} is out of range`);
  return { pixels: Math.round(value) };
}

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) invalid(name, `${name} must be one of ${allowed.join(", ")}, not '${raw}'`);
  return raw as T;
}

function listOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T[] {
  const values = raw.split(",").map((value) => value.trim());
  const parsed = values.map((value) => oneOf(name, value, allowed));
  if (new Set(parsed).size !== parsed.length) invalid(name, `${name} lists a value twice`);
  return parsed;
}

function aspectRatio(raw: string): number {
  const parts = raw.split(":");
  if (parts.length > 2) invalid("ar", `ar must look like 16:9 or 1.5, not '${raw}'`);
  const width = decimal("ar", parts[0]!);
  const height = parts.length === 2 ? decimal("ar", parts[1]!) : 1;
  if (width <= 0 || height <= 0) invalid("ar", "ar's sides must be greater than 0");
  const ratio = width / height;
  if (ratio > 100 || ratio < 0.01) invalid("ar", "ar must be between 1:100 and 100:1");
  return ratio;
}

function region(raw: string): NonNullable<ImgixParams["rect"]> {
  const parts = raw.split(",");
  if (parts.length !== 4 || parts.some((part) => !/^\d+$/.test(part.trim()))) {
    invalid("rect", `rect must be four whole numbers x,y,w,h, not '${raw}'`);
  }
  const [x, y, width, height] = parts.map(Number) as [number, number, number, number];
  if (width === 0 || height === 0) invalid("rect", "rect's width and height must be greater than 0");
  return { x, y, width, height };
}
