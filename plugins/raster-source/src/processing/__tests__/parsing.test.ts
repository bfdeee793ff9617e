/** Request parsing and number formatting of the data endpoints. */
import { AppError } from "@assets/core";
import { parseIsoTimestamp } from "../timestamps.js";
import { MAX_JSON_PIXELS, parseWindowQuery } from "../window-query.js";
import { float32Shortest } from "../window-response.js";

describe("parseIsoTimestamp", () => {
  test.each([
    ["2024-01-01", "2024-01-01T00:00:00.000Z"],
    ["2024-01-01T05:00", "2024-01-01T05:00:00.000Z"],
    ["2024-01-01T05:00:00Z", "2024-01-01T05:00:00.000Z"],
    ["2024-01-01 05:00:00+0100", "2024-01-01T04:00:00.000Z"],
    ["2024-01-01T05:00:00.123+01:00", "2024-01-01T04:00:00.123Z"],
    ["2024-01-01T05:00:00-03", "2024-01-01T08:00:00.000Z"],
  ])("%s is %s (no offset means UTC, not local time)", (text, iso) => {
    expect(parseIsoTimestamp(text)?.toISOString()).toBe(iso);
  });

  test.each(["yesterday", "2024-13-01", "1704067200", ""])("%j is not a timestamp", (text) => {
    expect(parseIsoTimestamp(text)).toBeNull();
  });
});

describe("parseWindowQuery", () => {
  const parse = (query: string, accept?: string) => parseWindowQuery(new URLSearchParams(query), accept);
  const fieldOf = (query: string) => {
    try {
      parse(query);
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      return [(error as AppError).status, (error as AppError).source?.parameter];
    }
    throw new Error(`${query} was accepted`);
  };

  test("defaults: EPSG:4326, JSON, band 1, 256 pixels along the longer side keeping the aspect ratio", () => {
    expect(parse("bbox=0,0,2,1")).toMatchObject({ bbox: [0, 0, 2, 1], width: 256, height: 128, projection: "EPSG:4326", band: 1, format: "json", time: null });
    expect(parse("bbox=0,0,1,2")).toMatchObject({ width: 128, height: 256 });
    expect(parse("bbox=0,0,1,2&width=10")).toMatchObject({ width: 10, height: 20 });
  });

  test("format from ?format= or the Accept header", () => {
    expect(parse("bbox=0,0,1,1", "application/octet-stream").format).toBe("octet-stream");
    expect(parse("bbox=0,0,1,1&format=png&colormap=gray&min=0&max=10", "application/octet-stream")).toMatchObject({ format: "png", colormap: "gray", min: 0, max: 10 });
  });

  test.each([
    ["", "bbox"], ["bbox=a,b,c,d", "bbox"], ["bbox=0,0,0,1", "bbox"], ["bbox=0,0,1,1&height=-1", "height"], ["bbox=0,0,1,1&width=1.5", "width"],
    ["bbox=0,0,1,1&projection=EPSG:", "projection"], ["bbox=0,0,1,1&time=noon", "time"], ["bbox=0,0,1,1&min=5&max=1", "min"],
    [`bbox=0,0,1,1&width=${MAX_JSON_PIXELS}&height=2`, "width"],
  ])("%s is a 400 on %s", (query, field) => {
    expect(fieldOf(query)).toEqual([400, field]);
  });

  test("binary windows may be larger than JSON ones", () => {
    expect(parse(`bbox=0,0,1,1&width=${MAX_JSON_PIXELS}&height=2`, "application/octet-stream").width).toBe(MAX_JSON_PIXELS);
  });
});

describe("float32Shortest", () => {
  test("prints float32 samples with their shortest decimals", () => {
    expect([3.842, -3.569, 0.1, 1e-5, 2.334, -9999, 65535.5].map((v) => float32Shortest(Math.fround(v)))).toEqual([3.842, -3.569, 0.1, 1e-5, 2.334, -9999, 65535.5]);
  });

  test("every answer reads back as the same float32", () => {
    const bits = new Uint32Array(1);
    const value = new Float32Array(bits.buffer);
    let seed = 7;
    const wrong: number[] = [];
    for (let i = 0; i < 100_000; i++) {
      bits[0] = seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const v = value[0]!;
      if (Number.isFinite(v) && Math.fround(float32Shortest(v)) !== v) wrong.push(v);
    }
    expect(wrong).toEqual([]);
  });
});
