import { DEFAULT_RASTER_BUDGET, type RasterBudget, assertWithinBudget } from "./budget.js";
import { assertDecodable } from "./decode.js";
import { numpyDtype, parseGdalNodata } from "./format.js";
import { type Georeference, readGeoreference } from "./georef.js";
import { type TiffRaster, openTiff } from "./image.js";
import type { ByteRangeReader } from "./reader.js";
import { Tag, text } from "./tiff.js";

/** A TIFF opened once per reader: structure, georeferencing and band facts. */
export interface OpenedRaster {
  tiff: TiffRaster;
  georef: Georeference;
  /** numpy dtype code of the bands. */
  dtype: string;
  /** Nodata as GDAL's GetNoDataValue() returns it, `null` when unset. */
  nodata: number | null;
  bandCount: number;
}

// Readers stand for immutable stored files, so the parsed directory can be shared by all
// calls made with the same reader object (e.g. many window reads for one raster).
const opened = new WeakMap<ByteRangeReader, Promise<OpenedRaster>>();

async function open(reader: ByteRangeReader, budget: RasterBudget): Promise<OpenedRaster> {
  const tiff = await openTiff(reader, budget);
  assertDecodable(tiff.main);
  const dtype = numpyDtype(tiff.main);
  return {
    tiff,
    georef: readGeoreference(tiff.firstIfd),
    dtype,
    nodata: parseGdalNodata(text(tiff.firstIfd, Tag.GdalNodata), dtype),
    bandCount: tiff.main.samplesPerPixel,
  };
}

/**
 * Parses (or returns the cached parse of) the raster behind `reader`, refusing it with a
 * RasterBudgetError when it declares more than `budget` allows.
 */
export async function openRaster(reader: ByteRangeReader, budget: RasterBudget = DEFAULT_RASTER_BUDGET): Promise<OpenedRaster> {
  const cached = opened.get(reader);
  if (!cached) {
    const p = open(reader, budget);
    opened.set(reader, p);
    return p;
  }
  const r = await cached;
  for (const level of [r.tiff.main, ...r.tiff.overviews, ...r.tiff.masks]) assertWithinBudget(level, budget);
  return r;
}
