/**
 * The dominant colours of an image (DatoCMS's `colors`), by median cut over a small copy.
 */
import type { RgbaImage } from "./decode-image.js";
import { shrink } from "./placeholders.js";

/** One palette entry, in DatoCMS's shape. */
export interface PaletteColor {
  red: number;
  green: number;
  blue: number;
  alpha: number;
}

/** Pixels sampled: a 64 x 64 copy is enough to find the main colours and costs nothing. */
const SAMPLE_SIDE = 64;
/** Pixels more transparent than this do not count towards any colour. */
const MIN_ALPHA = 128;

type Pixel = [number, number, number];

/**
 * Up to `count` dominant colours, the most common first. Median cut: the box of colours
 * with the widest channel range is split at its median until there are `count` boxes;
 * each box contributes its average colour. A solid image yields exactly its colour; a
 * fully transparent one yields none.
 */
export async function dominantColors(image: RgbaImage, count = 5): Promise<PaletteColor[]> {
  const sample = await shrink(image, SAMPLE_SIDE, "inside");
  const pixels: Pixel[] = [];
  for (let i = 0; i < sample.data.length; i += 4) {
    if (sample.data[i + 3]! >= MIN_ALPHA) pixels.push([sample.data[i]!, sample.data[i + 1]!, sample.data[i + 2]!]);
  }
  if (pixels.length === 0) return [];
  const boxes: Pixel[][] = [pixels];
  while (boxes.length < count) {
    const index = widestBox(boxes);
    if (index < 0) break;
    const [low, high] = splitAtMedian(boxes[index]!);
    boxes.splice(index, 1, low, high);
  }
  return boxes
    .sort((a, b) => b.length - a.length)
    .map((box) => {
      const [red, green, blue] = average(box);
      return { red, green, blue, alpha: 255 };
    });
}

function range(box: Pixel[], channel: number): number {
  let min = 255;
  let max = 0;
  for (const pixel of box) {
    min = Math.min(min, pixel[channel]!);
    max = Math.max(max, pixel[channel]!);
  }
  return max - min;
}

/** The index of the box whose widest channel range is the largest, or -1 when every box is one colour. */
function widestBox(boxes: Pixel[][]): number {
  let best = -1;
  let bestRange = 0;
  boxes.forEach((box, index) => {
    const widest = Math.max(range(box, 0), range(box, 1), range(box, 2));
    if (box.length > 1 && widest > bestRange) {
      best = index;
      bestRange = widest;
    }
  });
  return best;
}

function splitAtMedian(box: Pixel[]): [Pixel[], Pixel[]] {
  const ranges = [range(box, 0), range(box, 1), range(box, 2)];
  const channel = ranges.indexOf(Math.max(...ranges));
  const sorted = [...box].sort((a, b) => a[channel]! - b[channel]!);
  // Split between two different values, so neither half is empty.
  let cut = sorted.length >> 1;
  const median = sorted[cut]![channel]!;
  while (cut > 0 && sorted[cut - 1]![channel] === median) cut -= 1;
  if (cut === 0) while (cut < sorted.length && sorted[cut]![channel] === median) cut += 1;
  return [sorted.slice(0, cut), sorted.slice(cut)];
}

function average(box: Pixel[]): Pixel {
  const sum: Pixel = [0, 0, 0];
  for (const pixel of box) for (let c = 0; c < 3; c += 1) sum[c] += pixel[c]!;
  return sum.map((total) => Math.round(total / box.length)) as Pixel;
}
