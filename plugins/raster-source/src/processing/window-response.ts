/** The three answers of a window read: JSON rows, little-endian float32 bytes, or a PNG preview. */
import type { Response } from "express";
import { type RasterWindow, renderPng } from "@assets/geotiff";
import { formatDateTime } from "../model/date-time.js";
import type { WindowQuery } from "./window-query.js";

/** What is known about the window besides its pixels. */
export interface WindowContext {
  query: WindowQuery;
  window: RasterWindow;
  /** Timestamp of the step read; null for a non-temporal source. */
  timestamp: Date | null;
  /** Whether samples are floating point (printed as the shortest decimal of their float32). */
  float: boolean;
}

/**
 * The shortest decimal that reads back as the same float32 (3.842, not 3.8420000076293945).
 * Rounds at 1, 2, ... significant digits with plain arithmetic (toPrecision is several times
 * slower); the fround check keeps every answer exact. Shortest for magnitudes 1e-6 to 1e7;
 * outside, powers of ten are inexact and the answer may carry more digits than needed.
 */
export function float32Shortest(v: number): number {
  if (Number.isInteger(v) || !Number.isFinite(v)) return v;
  const exponent = Math.floor(Math.log10(Math.abs(v)));
  for (let digits = 1; digits <= 9; digits++) {
    const m = digits - 1 - exponent;
    const candidate = m >= 0 ? Math.round(v * 10 ** m) / 10 ** m : Math.round(v / 10 ** -m) * 10 ** -m;
    if (Math.fround(candidate) === v) return candidate;
  }
  return v;
}

/** Rows of values, null for nodata and NaN (JSON has no NaN). */
function rows({ window, float }: WindowContext): (number | null)[][] {
  const { data, width, height, nodata } = window;
  const out: (number | null)[][] = new Array(height);
  for (let j = 0; j < height; j++) {
    const row: (number | null)[] = new Array(width);
    for (let i = 0; i < width; i++) {
      const v = data[j * width + i]!;
      row[i] = v !== v || v === nodata ? null : float ? float32Shortest(v) : v;
    }
    out[j] = row;
  }
  return out;
}

function describe(c: WindowContext) {
  const nodata = c.window.nodata;
  return {
    width: c.query.width,
    height: c.query.height,
    bbox: c.query.bbox,
    projection: c.query.projection,
    band: c.query.band,
    timestamp: formatDateTime(c.timestamp),
    nodata: nodata === null || Number.isNaN(nodata) ? null : nodata,
  };
}

function littleEndianFloat32(data: Float32Array): Buffer {
  const out = Buffer.alloc(data.length * 4);
  for (let i = 0; i < data.length; i++) out.writeFloatLE(data[i]!, i * 4);
  return out;
}

/** Sends the window in the requested format. */
export async function sendWindow(res: Response, c: WindowContext): Promise<void> {
  const meta = describe(c);
  if (c.query.format === "png") {
    const png = await renderPng(c.window, { colormap: c.query.colormap, min: c.query.min, max: c.query.max });
    res.status(200).type("image/png").send(png);
    return;
  }
  if (c.query.format === "octet-stream") {
    // Row-major from the north-west corner; nodata pixels hold X-Nodata (NaN without one).
    res.set({
      "X-Width": String(meta.width), "X-Height": String(meta.height), "X-Bbox": meta.bbox.join(","),
      "X-Projection": meta.projection, "X-Nodata": meta.nodata === null ? "nan" : String(meta.nodata),
      ...(meta.timestamp && { "X-Timestamp": meta.timestamp }),
    });
    res.status(200).type("application/octet-stream").send(littleEndianFloat32(c.window.data));
    return;
  }
  res.status(200).type("application/json").send(JSON.stringify({ ...meta, data: rows(c) }));
}
