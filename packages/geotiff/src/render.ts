import { loadSharp } from "./libraries.js";
import { type ColormapName, colormap } from "./colormap.js";
import type { RasterWindow } from "./window.js";

/** Options of {@link renderPng}. */
export interface RenderOptions {
  /** Default "viridis". */
  colormap?: ColormapName;
  /** Value mapped to the first colour; default the window's minimum valid value. */
  min?: number;
  /** Value mapped to the last colour; default the window's maximum valid value. */
  max?: number;
}

/** Renders a window as an RGBA PNG; nodata and NaN pixels are fully transparent. */
export async function renderPng(window: Pick<RasterWindow, "data" | "width" | "height" | "nodata">, options: RenderOptions = {}): Promise<Buffer> {
  const { data, width, height, nodata } = window;
  const isValid = (v: number) => v === v && v !== nodata;
  let min = options.min ?? Infinity;
  let max = options.max ?? -Infinity;
  if (options.min === undefined || options.max === undefined) {
    for (const v of data) {
      if (!isValid(v)) continue;
      if (options.min === undefined && v < min) min = v;
      if (options.max === undefined && v > max) max = v;
    }
  }
  const table = colormap(options.colormap ?? "viridis");
  const scale = max > min ? 255 / (max - min) : 0;
  const rgba = Buffer.alloc(width * height * 4);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!isValid(v)) continue; // stays transparent black
    const c = Math.max(0, Math.min(255, Math.round((v - min) * scale))) * 3;
    rgba[4 * i] = table[c]!;
    rgba[4 * i + 1] = table[c + 1]!;
    rgba[4 * i + 2] = table[c + 2]!;
    rgba[4 * i + 3] = 255;
  }
  return loadSharp()(rgba, { raw: { width, height, channels: 4 } }).png().toBuffer();
}
