/**
 * Readers that return Node Buffers viewing a larger, oddly aligned memory block (as storage
 * drivers and the prefetching reader may): Buffer#slice shares memory instead of copying, so
 * the engine must never rely on it. Results must equal those over a plain file reader.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type ByteRangeReader, prefetchingReader } from "../reader.js";
import { computeStatistics } from "../statistics.js";
import { readWindow } from "../window.js";
import { FIXTURES, truth, withFixture } from "./fixtures.js";

/** A reader whose results are Buffer views at an odd offset into one shared block. */
function bufferViewReader(file: string): ByteRangeReader {
  const bytes = readFileSync(join(FIXTURES, file));
  const block = Buffer.alloc(bytes.length + 3);
  block.set(bytes, 3);
  const view = block.subarray(3);
  return { size: bytes.length, read: async (offset, length) => view.subarray(offset, Math.min(view.length, offset + length)) };
}

const georeferenced = truth.filter((t) => t.valid && t.projection);

test.each(georeferenced.map((t) => [t.file, t] as const))("%s: windows and statistics equal the plain file reader's", async (file, t) => {
  const bbox: [number, number, number, number] = [t.origin_x!, t.origin_y!, t.upper_bound_x!, t.upper_bound_y!];
  const request = { bbox, width: t.width!, height: t.height! };
  const expected = await withFixture(file, async (r) => ({ window: await readWindow(r, request), stats: await computeStatistics(r) }));
  for (const reader of [bufferViewReader(file), prefetchingReader(bufferViewReader(file), 64 * 1024)]) {
    const window = await readWindow(reader, request);
    expect(Buffer.compare(Buffer.from(window.data.buffer), Buffer.from(expected.window.data.buffer))).toBe(0);
    expect(await computeStatistics(reader)).toEqual(expected.stats);
    // Reading twice through the same reader: decoding must not have modified the bytes it was given.
    expect(Buffer.compare(Buffer.from((await readWindow(reader, request)).data.buffer), Buffer.from(window.data.buffer))).toBe(0);
  }
});
