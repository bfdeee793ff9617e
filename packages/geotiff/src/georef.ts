/**
 * GeoTIFF georeferencing as GDAL (3.6) reads it: the geotransform from ModelPixelScale +
 * ModelTiepoint or ModelTransformation, the PixelIsPoint half-pixel shift and the EPSG code.
 */
import { type Ifd, Tag, numbers, text } from "./tiff.js";

/** GDAL geotransform: [x0, pixel width, row rotation, y0, column rotation, pixel height]. */
export type GeoTransform = [number, number, number, number, number, number];

/** Georeferencing of the full-resolution image. */
export interface Georeference {
  /** `null` when the file has no geotransform (no tags, or only ground control points). */
  geoTransform: GeoTransform | null;
  /** EPSG code of the CRS, `null` when the keys do not name one. */
  epsg: number | null;
  /** Why `epsg` is null, for error messages. */
  crsProblem?: string;
  /** GTRasterTypeGeoKey = RasterPixelIsPoint. */
  pixelIsPoint: boolean;
  /** Ground control points only (tiepoints without a scale). */
  gcpsOnly: boolean;
}

const Key = {
  GTModelType: 1024,
  GTRasterType: 1025,
  GeographicType: 2048,
  ProjectedCSType: 3072,
} as const;
const USER_DEFINED = 32767;
const MODEL_PROJECTED = 1;
const MODEL_GEOGRAPHIC = 2;
const MODEL_GEOCENTRIC = 3;
const RASTER_PIXEL_IS_POINT = 2;

/** GeoKey id -> value (SHORT keys are numbers, double keys number arrays, ASCII keys text). */
export type GeoKeys = Map<number, number | number[] | string>;

/** Decodes the GeoKeyDirectory tag; an empty map when absent. */
export function readGeoKeys(ifd: Ifd): GeoKeys {
  const keys: GeoKeys = new Map();
  const dir = numbers(ifd, Tag.GeoKeyDirectory);
  if (!dir || dir.length < 4) return keys;
  const doubles = numbers(ifd, Tag.GeoDoubleParams) ?? [];
  const ascii = text(ifd, Tag.GeoAsciiParams) ?? "";
  for (let i = 4; i + 3 < dir.length && i < 4 + 4 * dir[3]!; i += 4) {
    const [id, location, count, value] = [dir[i]!, dir[i + 1]!, dir[i + 2]!, dir[i + 3]!];
    if (location === 0) keys.set(id, value);
    else if (location === Tag.GeoDoubleParams) keys.set(id, doubles.slice(value, value + count));
    else if (location === Tag.GeoAsciiParams) keys.set(id, ascii.slice(value, value + count).replace(/\|$/, ""));
    else if (location === Tag.GeoKeyDirectory) keys.set(id, dir[value] ?? 0);
  }
  return keys;
}

function geoTransformFromTags(ifd: Ifd): GeoTransform | null {
  const scale = numbers(ifd, Tag.ModelPixelScale);
  const tie = numbers(ifd, Tag.ModelTiepoint);
  const matrix = numbers(ifd, Tag.ModelTransformation);
  // GDAL prefers scale + first tiepoint; a negative Y scale is taken to mean north-up
  // (GTIFF_HONOUR_NEGATIVE_SCALEY=NO, its default), contrary to the GeoTIFF spec.
  if (scale && scale.length >= 2 && scale[0] !== 0 && scale[1] !== 0 && tie && tie.length >= 6) {
    const dx = scale[0]!;
    const dy = -Math.abs(scale[1]!);
    return [tie[3]! - tie[0]! * dx, dx, 0, tie[4]! - tie[1]! * dy, 0, dy];
  }
  if (matrix && matrix.length === 16) {
    return [matrix[3]!, matrix[0]!, matrix[1]!, matrix[7]!, matrix[4]!, matrix[5]!];
  }
  return null;
}

function crsOf(keys: GeoKeys): { epsg: number | null; crsProblem?: string } {
  const model = keys.get(Key.GTModelType);
  const projected = keys.get(Key.ProjectedCSType);
  const geographic = keys.get(Key.GeographicType);
  if (keys.size === 0) return { epsg: null, crsProblem: "the file has no GeoKeys (no coordinate reference system)" };
  if (model === MODEL_GEOCENTRIC) return { epsg: null, crsProblem: "geocentric coordinate systems are not supported" };
  const pick = model === MODEL_GEOGRAPHIC ? geographic : model === MODEL_PROJECTED ? projected : projected ?? geographic;
  if (typeof pick === "number" && pick > 0 && pick < USER_DEFINED) return { epsg: pick };
  const what = model === MODEL_GEOGRAPHIC ? "geographic" : "projected";
  return {
    epsg: null,
    crsProblem: `the ${what} coordinate system is user-defined in the GeoKeys and has no EPSG code`,
  };
}

/** Reads the georeferencing of the first IFD. */
export function readGeoreference(ifd: Ifd): Georeference {
  const keys = readGeoKeys(ifd);
  const pixelIsPoint = keys.get(Key.GTRasterType) === RASTER_PIXEL_IS_POINT;
  let geoTransform = geoTransformFromTags(ifd);
  if (geoTransform && pixelIsPoint) {
    // GDAL reports the outer corner of the upper-left pixel, whose centre the tiepoint names.
    const [x0, a, b, y0, d, e] = geoTransform;
    geoTransform = [x0 - (a * 0.5 + b * 0.5), a, b, y0 - (d * 0.5 + e * 0.5), d, e];
  }
  const tie = numbers(ifd, Tag.ModelTiepoint);
  return { geoTransform, ...crsOf(keys), pixelIsPoint, gcpsOnly: !geoTransform && !!tie && tie.length >= 6 };
}
