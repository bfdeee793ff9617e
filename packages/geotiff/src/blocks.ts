import { BlockDecoder, type DecodedBlock } from "./decode.js";
import { InvalidRasterError } from "./errors.js";
import type { ImageLevel, TiffRaster } from "./image.js";
import { type ByteRangeReader, readExact } from "./reader.js";

/** Reads and decodes the strips or tiles of one image level with ranged reads. */
export class LevelReader {
  private readonly decoder: BlockDecoder;

  /**
   * @param fill value for sparse (unwritten) blocks: the nodata value, or 0 without one.
   */
  constructor(
    private readonly reader: ByteRangeReader,
    raster: TiffRaster,
    readonly level: ImageLevel,
    private readonly fill: number,
  ) {
    this.decoder = new BlockDecoder(level, raster.littleEndian);
  }

  /** Position of a block in the TIFF offset arrays; `plane` only matters for planar data. */
  index(bx: number, by: number, plane: number): number {
    const { blocksAcross, blocksDown, planar } = this.level;
    return (planar === 2 ? plane * blocksAcross * blocksDown : 0) + by * blocksAcross + bx;
  }

  /** Whether the block was never written (byte count 0): it holds {@link sparseValue} only. */
  isSparse(bx: number, by: number, plane = 0): boolean {
    return this.level.byteCounts[this.index(bx, by, plane)] === 0;
  }

  /** The value every pixel of a sparse block has, as the block's typed array would hold it. */
  get sparseValue(): number {
    return this.decoder.sparseValue(this.fill);
  }

  /** Reads and decodes one block. */
  async read(bx: number, by: number, plane = 0): Promise<DecodedBlock> {
    const i = this.index(bx, by, plane);
    const offset = this.level.offsets[i]!;
    let count = this.level.byteCounts[i]!;
    if (count === 0) return this.decoder.sparse(by, this.fill);
    const what = `${this.level.tiled ? "tile" : "strip"} ${i} of ${this.level.label}`;
    const full = this.decoder.fullBytes;
    // Bytes past a full block are never used: uncompressed ones are not read, and no encoding
    // of a block needs twice its size (deflate, LZW, PackBits, JPEG and LERC stay far below).
    if (this.level.compression === 1) count = Math.min(count, full);
    else if (count > 2 * full + 65_536) {
      throw new InvalidRasterError(`corrupt ${what}: it stores ${count} bytes, more than any encoding of its ${full} bytes needs`);
    }
    const stored = await readExact(this.reader, offset, count, what);
    return this.decoder.decode(stored, by, what);
  }
}

/**
 * Runs `produce(i)` for i in [0, n) with at most `concurrency` in flight and hands results to
 * `consume` in index order, so memory stays bounded and results are deterministic.
 */
export async function orderedPipeline<T>(
  n: number,
  concurrency: number,
  produce: (i: number) => Promise<T>,
  consume: (value: T, i: number) => void | Promise<void>,
): Promise<void> {
  const inFlight: Promise<T>[] = [];
  let next = 0;
  const launch = () => {
    if (next < n) inFlight.push(produce(next++));
  };
  for (let k = 0; k < concurrency; k++) launch();
  try {
    for (let i = 0; i < n; i++) {
      const value = await inFlight.shift()!;
      launch();
      await consume(value, i);
    }
  } catch (e) {
    inFlight.forEach((q) => q.catch(() => undefined)); // avoid unhandled rejections
    throw e;
  }
}
