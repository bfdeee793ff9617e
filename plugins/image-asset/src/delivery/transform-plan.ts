/**
 * From parsed imgix parameters and the source image's facts to one resolved transform:
 * the source region, the exact output size, the resize mode and the output format. Two
 * spellings of the same output (`w=200&dpr=2` and `w=400`) give equal plans, which is
 * what the derivative cache keys on. Limits are checked here, before any decoding.
 */
import { Errors } from "@assets/core";
import { focalCrop, type Dimension, type ImgixParams } from "./imgix-params.js";

/** What the plan needs to know about the source (its facts, stored at processing). */
export interface SourceImage {
  /** Displayed size (after EXIF orientation). */
  width: number;
  height: number;
  /** Frames of an animation (1 for a still image). */
  pages: number;
  /** DatoCMS's `format` of the source: jpg, png, gif, webp, avif, svg, tiff, heic … */
  format: string;
  hasAlpha: boolean;
  /** The asset's focal point (DatoCMS `default_field_metadata.*.focal_point`), 0..1 each. */
  focalPoint?: { x: number; y: number };
}

/** Bounds on one transform. */
export interface TransformLimits {
  /** Longest output side, in pixels (default 5000; Directus allows 6000). */
  maxOutputSide: number;
  /** Output pixels over all frames (default 25 MP). */
  maxOutputPixels: number;
  /** Source pixels decoded over all frames (default 100 MP, the processing budget). */
  maxInputPixels: number;
}

/** Defaults of {@link TransformLimits}. */
export const DEFAULT_TRANSFORM_LIMITS: Readonly<TransformLimits> = {
  maxOutputSide: 5000,
  maxOutputPixels: 25_000_000,
  maxInputPixels: 100_000_000,
};

/** A rectangle of the (displayed) source, in pixels. */
export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Output encodings. */
export type DeliveryFormat = "jpeg" | "png" | "webp" | "avif" | "gif";

/**
 * How the region becomes the output: `exact` resizes it to width x height (the plan has
 * already matched the aspect, or `fit=scale` wants it distorted), `contain` letterboxes it
 * (`fit=fill`), `entropy`/`attention` let libvips choose the crop (`crop=entropy|edges`).
 */
export type ResizeMode = "exact" | "contain" | "entropy" | "attention";

/** One resolved transform: everything the renderer does, and everything the cache key covers. */
export interface TransformPlan {
  /** The source region to start from; absent for the whole image. */
  region?: Region;
  width: number;
  height: number;
  resize: ResizeMode;
  /** Letterbox colour of `contain`: transparent where the format has alpha, else white. */
  background?: { r: number; g: number; b: number; alpha: number };
  format: DeliveryFormat;
  progressive: boolean;
  /** Encoder quality, for lossy formats only. */
  quality?: number;
  /** Every frame is kept (an animated source to GIF or WebP). */
  animated: boolean;
}

/** Serve the stored original, or make (or reuse) a derivative. */
export type TransformDecision =
  | { kind: "original"; variesOnAccept: boolean }
  | { kind: "derivative"; plan: TransformPlan; variesOnAccept: boolean };

/** imgix's default quality, and the one `auto=compress` uses when `q` is not given. */
const DEFAULT_QUALITY = 75;
const COMPRESS_QUALITY = 45;
const DELIVERABLE: Readonly<Record<string, DeliveryFormat>> = { jpg: "jpeg", png: "png", webp: "webp", gif: "gif", avif: "avif" };

/**
 * Resolves `params` against `source`. `accept` is the request's Accept header, read only for
 * `auto=format` (then `variesOnAccept` is true and the answer needs `Vary: Accept`).
 */
export function planTransform(
  params: ImgixParams,
  source: SourceImage,
  options: { accept?: string; limits?: Partial<TransformLimits> } = {},
): TransformDecision {
  const limits = { ...DEFAULT_TRANSFORM_LIMITS, ...options.limits };
  const { format, progressive, variesOnAccept } = outputFormat(params, source, options.accept ?? "");
  const animated = source.pages > 1 && (format === "gif" || format === "webp");
  const geometry = params.w !== undefined || params.h !== undefined || params.rect !== undefined || params.ar !== undefined;
  const compress = params.auto?.includes("compress") ?? false;
  if (!geometry && !progressive && params.q === undefined && !compress && format === DELIVERABLE[source.format]) {
    return { kind: "original", variesOnAccept };
  }
  const frames = animated ? source.pages : 1;
  if (source.format !== "svg" && source.width * source.height * frames > limits.maxInputPixels) {
    throw Errors.UNPROCESSABLE({ detail: `the image (${source.width} x ${source.height}${frames > 1 ? ` in ${frames} frames` : ""}) is too large to transform` });
  }
  const base = params.rect ? clampRect(params.rect, source) : { left: 0, top: 0, width: source.width, height: source.height };
  const shape = resolveGeometry(params, base, source);
  checkOutput(params, shape, frames, limits);
  const lossy = format === "jpeg" || format === "webp" || format === "avif";
  const plan: TransformPlan = {
    ...(isWhole(shape.region, source) ? {} : { region: shape.region }),
    width: shape.width,
    height: shape.height,
    resize: shape.resize,
    ...(shape.resize === "contain" ? { background: format === "jpeg" ? { r: 255, g: 255, b: 255, alpha: 1 } : { r: 0, g: 0, b: 0, alpha: 0 } } : {}),
    format,
    progressive,
    ...(lossy ? { quality: params.q ?? (compress ? COMPRESS_QUALITY : DEFAULT_QUALITY) } : {}),
    animated,
  };
  return { kind: "derivative", plan, variesOnAccept };
}

interface Shape {
  region: Region;
  width: number;
  height: number;
  resize: ResizeMode;
}

function resolveGeometry(params: ImgixParams, region: Region, source: SourceImage): Shape {
  const dpr = params.dpr ?? 1;
  let w = params.w && size(params.w, region.width);
  let h = params.h && size(params.h, region.height);
  const fit = params.fit ?? "clip";
  if (fit === "crop" && params.ar !== undefined) {
    if (w !== undefined && h === undefined) h = w / params.ar;
    else if (h !== undefined && w === undefined) w = h * params.ar;
    else if (w === undefined && h === undefined) ({ width: w, height: h } = largestBox(region, params.ar));
  }
  if (w === undefined && h === undefined) return { region, width: region.width, height: region.height, resize: "exact" };
  if (w !== undefined) w *= dpr;
  if (h !== undefined) h *= dpr;
  if (w === undefined || h === undefined) {
    // One side given: every mode scales keeping the aspect; max and min never enlarge.
    const scale = w !== undefined ? w / region.width : h! / region.height;
    const capped = fit === "max" || fit === "min" ? Math.min(1, scale) : scale;
    return { region, width: side(region.width * capped), height: side(region.height * capped), resize: "exact" };
  }
  switch (fit) {
    case "scale":
      return { region, width: side(w), height: side(h), resize: "exact" };
    case "fill":
      return { region, width: side(w), height: side(h), resize: "contain" };
    case "clip":
    case "max": {
      const fitted = Math.min(w / region.width, h / region.height);
      const scale = fit === "max" ? Math.min(1, fitted) : fitted;
      return { region, width: side(region.width * scale), height: side(region.height * scale), resize: "exact" };
    }
    case "min": {
      // The target's aspect, never larger than the region: shrink the target until it fits.
      const shrink = Math.min(1, region.width / w, region.height / h);
      const width = side(w * shrink);
      const height = side(h * shrink);
      return { region: cropBox(region, width / height, params, source), width, height, resize: "exact" };
    }
    case "crop": {
      const width = side(w);
      const height = side(h);
      const strategy = params.crop?.find((mode) => mode === "entropy" || mode === "edges");
      if (strategy) return { region, width, height, resize: strategy === "entropy" ? "entropy" : "attention" };
      return { region: cropBox(region, width / height, params, source), width, height, resize: "exact" };
    }
  }
}

/** The part of `region` with aspect `ratio` that a crop keeps: around the focal point (zoomed by fp-z) or by gravity. */
function cropBox(region: Region, ratio: number, params: ImgixParams, source: SourceImage): Region {
  const largest = largestBox(region, ratio);
  const zoom = params.fpZ ?? 1;
  const width = Math.max(1, Math.min(region.width, Math.round(largest.width / zoom)));
  const height = Math.max(1, Math.min(region.height, Math.round(largest.height / zoom)));
  let x: number;
  let y: number;
  if (focalCrop(params)) {
    const fx = params.fpX ?? source.focalPoint?.x ?? 0.5;
    const fy = params.fpY ?? source.focalPoint?.y ?? 0.5;
    // The focal point is relative to the whole image; centre the box on it, inside the region.
    x = fx * source.width - region.left - width / 2;
    y = fy * source.height - region.top - height / 2;
  } else {
    const crop = params.crop ?? [];
    x = crop.includes("left") ? 0 : crop.includes("right") ? region.width - width : (region.width - width) / 2;
    y = crop.includes("top") ? 0 : crop.includes("bottom") ? region.height - height : (region.height - height) / 2;
  }
  const left = Math.round(Math.min(Math.max(0, x), region.width - width));
  const top = Math.round(Math.min(Math.max(0, y), region.height - height));
  return { left: region.left + left, top: region.top + top, width, height };
}

/** The largest box of aspect `ratio` (width / height) inside `region`. */
function largestBox(region: Region, ratio: number): { width: number; height: number } {
  if (region.width / region.height > ratio) return { width: side(region.height * ratio), height: region.height };
  return { width: region.width, height: side(region.width / ratio) };
}

function size(dimension: Dimension, whole: number): number {
  return "pixels" in dimension ? dimension.pixels : dimension.fraction * whole;
}

function side(value: number): number {
  return Math.max(1, Math.round(value));
}

/** imgix's rect, cut to the image; a rect wholly outside it is a 400. */
function clampRect(rect: NonNullable<ImgixParams["rect"]>, source: SourceImage): Region {
  const right = Math.min(source.width, rect.x + rect.width);
  const bottom = Math.min(source.height, rect.y + rect.height);
  if (rect.x >= source.width || rect.y >= source.height || right <= rect.x || bottom <= rect.y) {
    throw Errors.INVALID_PARAMETER({ detail: `rect lies outside the ${source.width} x ${source.height} image`, source: { parameter: "rect" } });
  }
  return { left: rect.x, top: rect.y, width: right - rect.x, height: bottom - rect.y };
}

function isWhole(region: Region, source: SourceImage): boolean {
  return region.left === 0 && region.top === 0 && region.width === source.width && region.height === source.height;
}

function checkOutput(params: ImgixParams, shape: Shape, frames: number, limits: TransformLimits): void {
  const blame = (preferred: "w" | "h") => (params[preferred] !== undefined ? preferred : params.w !== undefined ? "w" : params.h !== undefined ? "h" : params.dpr !== undefined ? "dpr" : preferred);
  const output = `the output would be ${shape.width} x ${shape.height} pixels`;
  if (shape.width > limits.maxOutputSide || shape.height > limits.maxOutputSide) {
    const parameter = blame(shape.width > limits.maxOutputSide ? "w" : "h");
    throw Errors.INVALID_PARAMETER({ detail: `${output}; at most ${limits.maxOutputSide} on a side`, source: { parameter } });
  }
  const pixels = shape.width * shape.height * frames;
  if (pixels > limits.maxOutputPixels) {
    const perFrames = frames > 1 ? ` in ${frames} frames` : "";
    throw Errors.INVALID_PARAMETER({
      detail: `${output}${perFrames} (${(pixels / 1e6).toFixed(1)} MP); at most ${(limits.maxOutputPixels / 1e6).toFixed(1)} MP`,
      source: { parameter: blame("w") },
    });
  }
}

function outputFormat(params: ImgixParams, source: SourceImage, accept: string): { format: DeliveryFormat; progressive: boolean; variesOnAccept: boolean } {
  if (params.fm) {
    if (params.fm === "pjpg") return { format: "jpeg", progressive: true, variesOnAccept: false };
    return { format: params.fm === "jpg" ? "jpeg" : params.fm, progressive: false, variesOnAccept: false };
  }
  const auto = params.auto?.includes("format") ?? false;
  if (auto) {
    // sharp writes no animated AVIF: an animation goes to WebP.
    if (source.pages <= 1 && accepts(accept, "image/avif")) return { format: "avif", progressive: false, variesOnAccept: true };
    if (accepts(accept, "image/webp")) return { format: "webp", progressive: false, variesOnAccept: true };
  }
  const same = DELIVERABLE[source.format];
  return { format: same ?? (source.hasAlpha ? "png" : "jpeg"), progressive: false, variesOnAccept: auto };
}

/** Whether an Accept header names `type` with a quality above 0 (wildcards do not count, as for imgix). */
export function accepts(accept: string, type: string): boolean {
  return accept.split(",").some((entry) => {
    const [name, ...parameters] = entry.split(";").map((part) => part.trim().toLowerCase());
    if (name !== type) return false;
    const q = parameters.find((parameter) => parameter.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
