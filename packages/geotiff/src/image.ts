/**
 * Turns parsed IFDs into image levels (full resolution, overviews, masks) and checks that every
 * strip or tile the file points to is really stored in it.
 */
import { type RasterBudget, assertWithinBudget } from "./budget.js";
import { InvalidRasterError } from "./errors.js";
import type { ByteRangeReader } from "./reader.js";
import { type Ifd, type TiffFile, Tag, numbers, readTiff, scalar } from "./tiff.js";

/** One stored image (IFD) with what is needed to locate and decode its blocks. */
export interface ImageLevel {
  /** Position in the IFD chain. */
  ifdIndex: number;
  ifdOffset: number;
  /** e.g. "the full-resolution image", "overview 2 (512x512)". */
  label: string;
  width: number;
  height: number;
  tiled: boolean;
  /** Tile size, or image width x RowsPerStrip for strips. */
  blockWidth: number;
  blockHeight: number;
  blocksAcross: number;
  blocksDown: number;
  samplesPerPixel: number;
  bitsPerSample: number;
  /** TIFF SampleFormat: 1 unsigned, 2 signed, 3 IEEE float. */
  sampleFormat: number;
  /** 1 = samples interleaved per pixel, 2 = one plane per sample. */
  planar: 1 | 2;
  compression: number;
  predictor: number;
  /** TIFF PhotometricInterpretation (6 = YCbCr). */
  photometric: number;
  subfileType: number;
  /** Byte offset and byte count of every block, in TIFF order. */
  offsets: number[];
  byteCounts: number[];
  jpegTables?: number[];
  lercParameters?: number[];
}

/** A TIFF opened for reading: its levels and the first IFD's tags (GeoTIFF keys live there). */
export interface TiffRaster {
  size: number;
  littleEndian: boolean;
  bigTiff: boolean;
  main: ImageLevel;
  /** Reduced-resolution images, largest first. */
  overviews: ImageLevel[];
  masks: ImageLevel[];
  firstIfd: Ifd;
  ifdOffsets: number[];
}

const FILETYPE_REDUCEDIMAGE = 1;
const FILETYPE_MASK = 4;

function level(ifd: Ifd, ifdIndex: number, label: string, budget: RasterBudget): ImageLevel {
  const width = scalar(ifd, Tag.ImageWidth, 0);
  const height = scalar(ifd, Tag.ImageLength, 0);
  if (width <= 0 || height <= 0) throw new InvalidRasterError(`unreadable TIFF: ${label} has no width or height`);
  const samplesPerPixel = scalar(ifd, Tag.SamplesPerPixel, 1);
  const bits = numbers(ifd, Tag.BitsPerSample) ?? [1];
  const formats = numbers(ifd, Tag.SampleFormat) ?? [1];
  if (bits.some((b) => b !== bits[0]) || formats.some((f) => f !== formats[0])) {
    throw new InvalidRasterError(`unsupported TIFF: the bands of ${label} have different data types`);
  }
  const planarTag = scalar(ifd, Tag.PlanarConfiguration, 1);
  const planar: 1 | 2 = planarTag === 2 && samplesPerPixel > 1 ? 2 : 1;
  const tiled = ifd.tags.has(Tag.TileOffsets);
  const blockWidth = tiled ? scalar(ifd, Tag.TileWidth, 0) : width;
  const blockHeight = tiled ? scalar(ifd, Tag.TileLength, 0) : Math.min(scalar(ifd, Tag.RowsPerStrip, height), height);
  if (blockWidth <= 0 || blockHeight <= 0) throw new InvalidRasterError(`unreadable TIFF: ${label} has an invalid block size`);
  // Before any work that grows with the declared size (block lists, allocations, statistics).
  assertWithinBudget({ label, width, height, samplesPerPixel, bitsPerSample: bits[0]!, planar, tiled, blockWidth, blockHeight }, budget);
  const offsets = numbers(ifd, tiled ? Tag.TileOffsets : Tag.StripOffsets);
  const byteCounts = numbers(ifd, tiled ? Tag.TileByteCounts : Tag.StripByteCounts);
  const kind = tiled ? "tile" : "strip";
  if (!offsets || !byteCounts) throw new InvalidRasterError(`unreadable TIFF: ${label} has no ${kind} offsets or byte counts`);
  const blocksAcross = Math.ceil(width / blockWidth);
  const blocksDown = Math.ceil(height / blockHeight);
  const expected = blocksAcross * blocksDown * (planar === 2 ? samplesPerPixel : 1);
  if (offsets.length < expected || byteCounts.length < expected) {
    throw new InvalidRasterError(
      `corrupt TIFF: ${label} lists ${Math.min(offsets.length, byteCounts.length)} ${kind}s but needs ${expected}`,
    );
  }
  return {
    ifdIndex, ifdOffset: ifd.offset, label, width, height, tiled, blockWidth, blockHeight, blocksAcross, blocksDown,
    samplesPerPixel, bitsPerSample: bits[0]!, sampleFormat: formats[0]!, planar,
    compression: scalar(ifd, Tag.Compression, 1),
    predictor: scalar(ifd, Tag.Predictor, 1),
    photometric: scalar(ifd, Tag.Photometric, 1),
    subfileType: scalar(ifd, Tag.NewSubfileType, 0),
    offsets: offsets.slice(0, expected),
    byteCounts: byteCounts.slice(0, expected),
    jpegTables: numbers(ifd, Tag.JPEGTables),
    lercParameters: numbers(ifd, Tag.LercParameters),
  };
}

/**
 * GDAL fails to read a block whose bytes are not in the file, while geotiff.js silently returns
 * zeros, so the directory is checked against the file size up front. Offset 0 with count 0 is
 * a sparse (never written) block, which GDAL reads as nodata.
 */
function assertStored(lvl: ImageLevel, size: number): void {
  const kind = lvl.tiled ? "tile" : "strip";
  for (let i = 0; i < lvl.offsets.length; i++) {
    const offset = lvl.offsets[i]!;
    const count = lvl.byteCounts[i]!;
    if (count === 0 && offset === 0) continue;
    if (offset + count > size) {
      throw new InvalidRasterError(
        `truncated or corrupt file: ${kind} ${i} of ${lvl.label} (bytes ${offset}-${offset + count - 1}) ` +
          `ends beyond the end of the file (${size} bytes); the pixel data is incomplete`,
      );
    }
  }
}

function classify(tiff: TiffFile, budget: RasterBudget): Pick<TiffRaster, "main" | "overviews" | "masks"> {
  const main = level(tiff.ifds[0]!, 0, "the full-resolution image", budget);
  const overviews: ImageLevel[] = [];
  const masks: ImageLevel[] = [];
  tiff.ifds.forEach((ifd, i) => {
    if (i === 0) return;
    const type = scalar(ifd, Tag.NewSubfileType, 0);
    if (type & FILETYPE_MASK) {
      masks.push(level(ifd, i, `mask IFD #${i}`, budget));
    } else if (type & FILETYPE_REDUCEDIMAGE) {
      const ovr = level(ifd, i, `overview IFD #${i}`, budget);
      const sameKind = ovr.samplesPerPixel === main.samplesPerPixel && ovr.bitsPerSample === main.bitsPerSample &&
        ovr.sampleFormat === main.sampleFormat;
      if (sameKind && ovr.width <= main.width && ovr.height <= main.height) overviews.push(ovr);
    }
    // Other IFDs are extra pages, which GDAL exposes as subdatasets; they are ignored here.
  });
  overviews.sort((a, b) => b.width - a.width);
  overviews.forEach((o, i) => (o.label = `overview ${i + 1} (${o.width}x${o.height})`));
  return { main, overviews, masks };
}

/**
 * Parses the directory of `reader`, holds every level against `budget` and checks the pixel
 * data is stored in full.
 */
export async function openTiff(reader: ByteRangeReader, budget: RasterBudget): Promise<TiffRaster> {
  const tiff = await readTiff(reader);
  const levels = classify(tiff, budget);
  for (const lvl of [levels.main, ...levels.overviews, ...levels.masks]) assertStored(lvl, reader.size);
  return {
    size: reader.size,
    littleEndian: tiff.header.littleEndian,
    bigTiff: tiff.header.bigTiff,
    ...levels,
    firstIfd: tiff.ifds[0]!,
    ifdOffsets: tiff.ifds.map((d) => d.offset),
  };
}
