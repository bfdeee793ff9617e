/**
 * A transform plan as a sharp pipeline over the original file: decode (auto-oriented,
 * every frame when the plan is animated), cut the region, resize, encode. The result is a
 * stream: pipe it into the storage driver, nothing is buffered whole.
 */
import { Errors } from "@assets/core";
import { loadSharp, type Sharp } from "../processing/sharp.js";
import type { Region, SourceImage, TransformPlan } from "./transform-plan.js";

/** Bounds of one render. */
export interface RenderOptions {
  /** sharp's `limitInputPixels`; an SVG's raster at the render density is held to it too. */
  maxInputPixels: number;
  /** libvips gives up after this long. */
  timeoutSeconds: number;
}

/** Defaults of {@link RenderOptions}. */
export const DEFAULT_RENDER_OPTIONS: Readonly<RenderOptions> = { maxInputPixels: 100_000_000, timeoutSeconds: 20 };

// librsvg's intrinsic size is at 72 dpi.
const SVG_BASE_DENSITY = 72;

/** Builds the pipeline that renders `plan` from the original at `path`; read it as a stream. */
export function renderDerivative(path: string, source: SourceImage, plan: TransformPlan, options: Partial<RenderOptions> = {}): Sharp {
  const settings = { ...DEFAULT_RENDER_OPTIONS, ...options };
  const region = plan.region ?? { left: 0, top: 0, width: source.width, height: source.height };
  // An SVG is rendered at the density that gives the region the output's size, not at some default and scaled.
  const scale = source.format === "svg" ? svgScale(source, region, plan, settings.maxInputPixels) : 1;
  const sharp = loadSharp();
  let image = sharp(path, {
    limitInputPixels: settings.maxInputPixels,
    failOn: "error",
    autoOrient: true,
    animated: plan.animated,
    ...(scale === 1 ? {} : { density: SVG_BASE_DENSITY * scale }),
  });
  if (plan.region) image = image.extract(scaled(plan.region, scale, source));
  switch (plan.resize) {
    case "exact":
      image = image.resize(plan.width, plan.height, { fit: "fill" });
      break;
    case "contain":
      image = image.resize(plan.width, plan.height, { fit: "contain", background: plan.background });
      break;
    case "entropy":
    case "attention":
      image = image.resize(plan.width, plan.height, { fit: "cover", position: sharp.strategy[plan.resize] });
      break;
  }
  switch (plan.format) {
    case "jpeg":
      image = image.flatten({ background: "#ffffff" }).jpeg({ quality: plan.quality, progressive: plan.progressive });
      break;
    case "webp":
      image = image.webp({ quality: plan.quality });
      break;
    case "avif":
      image = image.avif({ quality: plan.quality });
      break;
    case "png":
      image = image.png();
      break;
    case "gif":
      image = image.gif();
      break;
  }
  return image.timeout({ seconds: settings.timeoutSeconds });
}

function svgScale(source: SourceImage, region: Region, plan: TransformPlan, maxInputPixels: number): number {
  const scale = Math.min(100_000 / SVG_BASE_DENSITY, Math.max(1 / SVG_BASE_DENSITY, plan.width / region.width, plan.height / region.height));
  if (source.width * scale * source.height * scale > maxInputPixels) {
    throw Errors.UNPROCESSABLE({ detail: `the SVG would render at ${Math.round(source.width * scale)} x ${Math.round(source.height * scale)} pixels, too large to transform` });
  }
  return scale;
}

/** The region in the pixels of the rendered raster (an SVG at `scale`), kept inside it. */
function scaled(region: Region, scale: number, source: SourceImage): Region {
  if (scale === 1) return region;
  const rasterWidth = Math.floor(source.width * scale);
  const rasterHeight = Math.floor(source.height * scale);
  const left = Math.min(rasterWidth - 1, Math.floor(region.left * scale));
  const top = Math.min(rasterHeight - 1, Math.floor(region.top * scale));
  return {
    left,
    top,
    width: Math.max(1, Math.min(rasterWidth - left, Math.floor(region.width * scale))),
    height: Math.max(1, Math.min(rasterHeight - top, Math.floor(region.height * scale))),
  };
}
