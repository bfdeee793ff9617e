import { decode as decodeBlurhash } from "blurhash";
import sharp from "sharp";
import { thumbHashToAverageRGBA } from "thumbhash";
import { ImageRejectedError } from "../../errors.js";
import { analyseImage, type ImageFacts } from "../analyse-image.js";
import { exiftool, identify, makeFixtures, requireTools, type Fixtures } from "./fixtures.js";

let fixtures: Fixtures;
beforeAll(async () => {
  requireTools();
  fixtures = await makeFixtures();
});
afterAll(() => fixtures?.dispose());

async function factsOf(name: string): Promise<ImageFacts> {
  const analysis = await analyseImage(fixtures.path(name));
  if (!analysis) throw new Error(`${name} was not recognised as an image`);
  return analysis.facts;
}

async function rejectionOf(name: string, options = {}): Promise<ImageRejectedError> {
  const error = await analyseImage(fixtures.path(name), options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImageRejectedError);
  return error as ImageRejectedError;
}

/** ImageMagick's format names for DatoCMS's. */
const MAGICK_FORMAT: Record<string, string> = { jpg: "JPEG", png: "PNG", gif: "GIF", webp: "WEBP", tiff: "TIFF", avif: "AVIF" };

describe("analyseImage: size, format and frames equal ImageMagick's identify", () => {
  it.each(["cmyk.jpg", "progressive.jpg", "alpha.png", "halves.png", "still.webp", "still.tiff", "large.jpg", "animated.gif", "animated.webp"])(
    "%s",
    async (name) => {
      const facts = await factsOf(name);
      const frames = identify(fixtures.path(name));
      expect(facts.is_image).toBe(true);
      expect(MAGICK_FORMAT[facts.format]).toBe(frames[0]!.format);
      expect([facts.width, facts.height]).toEqual([frames[0]!.width, frames[0]!.height]);
      expect(facts.frame_count).toBe(frames.length);
      expect(facts.animated).toBe(frames.length > 1);
    },
  );

  it("reports the displayed size of an EXIF-rotated photo (orientation 6 swaps the stored 400 x 300)", async () => {
    const [stored] = identify(fixtures.path("photo.jpg"));
    expect(exiftool(fixtures.path("photo.jpg")).Orientation).toBe(6);
    const facts = await factsOf("photo.jpg");
    expect([facts.width, facts.height]).toEqual([stored!.height, stored!.width]);
    expect(facts.orientation).toBe("portrait");
  });

  it("reads AVIF where the installed sharp decodes it", async () => {
    const facts = await factsOf("still.avif");
    expect(facts).toMatchObject({ format: "avif", mime_type: "image/avif", width: 30, height: 20, frame_count: 1 });
  });

  it("names formats and MIME types as DatoCMS does", async () => {
    expect(await factsOf("progressive.jpg")).toMatchObject({ format: "jpg", mime_type: "image/jpeg" });
    expect(await factsOf("animated.gif")).toMatchObject({ format: "gif", mime_type: "image/gif" });
    expect(await factsOf("drawing.svg")).toMatchObject({ format: "svg", mime_type: "image/svg+xml" });
  });
});

describe("analyseImage: derived attributes", () => {
  it("classifies resolution and orientation from the displayed size", async () => {
    expect(await factsOf("solid.png")).toMatchObject({ resolution: "icon", orientation: "landscape" });
    expect(await factsOf("large.jpg")).toMatchObject({ resolution: "large", orientation: "landscape" });
    expect(await factsOf("alpha.png")).toMatchObject({ orientation: "square" });
  });
});

describe("analyseImage: EXIF equals exiftool's reading", () => {
  it("maps camera tags, GPS, author and copyright to DatoCMS's exif_info", async () => {
    const truth = exiftool(fixtures.path("photo.jpg"));
    const facts = await factsOf("photo.jpg");
    expect(facts.exif_info).toEqual({
      make: truth.Make,
      model: truth.Model,
      lens_model: truth.LensModel,
      iso: truth.ISO,
      f_number: truth.FNumber,
      exposure_time: expect.closeTo(truth.ExposureTime as number, 9),
      focal_length: truth.FocalLength,
      flash_mode: truth.Flash,
      date_time_original: (truth.DateTimeOriginal as string).replace(/^(\d{4}):(\d{2}):(\d{2}) /, "$1-$2-$3T"),
      latitude: expect.closeTo(truth.GPSLatitude as number, 6),
      longitude: expect.closeTo(truth.GPSLongitude as number, 6),
    });
    expect(facts.author).toBe(truth.Artist);
    expect(facts.copyright).toBe(truth.Copyright);
  });

  it("gives an empty exif_info for an image without metadata", async () => {
    expect((await factsOf("solid.png")).exif_info).toEqual({});
  });
});

describe("analyseImage: placeholders and palette", () => {
  /** sRGB <-> linear light, as blurhash converts (its DC component is the linear mean). */
  const toLinear = (v: number) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  const toSrgb = (v: number) => 255 * (v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055);

  /** The mean colour of RGBA pixels, per channel, averaged in sRGB or in linear light. */
  function mean(pixels: ArrayLike<number>, space: "srgb" | "linear"): number[] {
    const sums = [0, 0, 0];
    for (let i = 0; i < pixels.length; i += 4) {
      for (let c = 0; c < 3; c += 1) sums[c]! += space === "linear" ? toLinear(pixels[i + c]!) : pixels[i + c]!;
    }
    const count = pixels.length / 4;
    return sums.map((sum) => (space === "linear" ? toSrgb(sum / count) : sum / count));
  }
  /** The original's pixels: the whole file decoded (auto-oriented, sRGB), not the working copy. */
  async function original(name: string): Promise<Buffer> {
    return sharp(fixtures.path(name), { autoOrient: true }).toColourspace("srgb").ensureAlpha().raw().toBuffer();
  }
  const distance = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));

  it.each(["photo.jpg", "halves.png", "cmyk.jpg", "animated.gif"])("decoding the blurhash and thumbhash of %s gives its mean colour", async (name) => {
    const facts = await factsOf(name);
    const pixels = await original(name);
    const blurred = decodeBlurhash(facts.blurhash, 32, 32);
    expect(distance(mean(blurred, "linear"), mean(pixels, "linear"))).toBeLessThan(6);
    // ThumbHash averages the gamma-encoded values.
    const average = thumbHashToAverageRGBA(Buffer.from(facts.thumbhash, "base64"));
    expect(distance([average.r * 255, average.g * 255, average.b * 255], mean(pixels, "srgb"))).toBeLessThan(6);
  });

  it("gives a solid image's colour as the first palette colour", async () => {
    const facts = await factsOf("solid.png");
    expect(facts.colors[0]).toEqual({ red: 0xc8, green: 0x32, blue: 0x14, alpha: 255 });
  });

  it("finds both colours of a two-colour image", async () => {
    const colors = (await factsOf("halves.png")).colors;
    expect(colors.slice(0, 2)).toEqual(
      expect.arrayContaining([
        { red: 255, green: 0, blue: 0, alpha: 255 },
        { red: 0, green: 0, blue: 255, alpha: 255 },
      ]),
    );
  });

  it("converts CMYK to sRGB before measuring colours", async () => {
    const [first] = (await factsOf("cmyk.jpg")).colors;
    // sharp wrote #ff0000 through its CMYK fallback profile; reading back lands near red, not near cyan/black.
    expect(first!.red).toBeGreaterThan(200);
    expect(first!.green + first!.blue).toBeLessThan(60);
  });
});

describe("analyseImage: SVG", () => {
  it("takes width and height from the viewBox and rasterises only a small copy", async () => {
    const analysis = await analyseImage(fixtures.path("drawing.svg"));
    expect(analysis!.facts).toMatchObject({ width: 120, height: 60, frame_count: 1 });
    expect(analysis!.facts.colors[0]).toEqual({ red: 0, green: 0, blue: 255, alpha: 255 });
  });

  it("analyses an SVG declaring 90000 x 60000 without rendering it at that size", async () => {
    const analysis = await analyseImage(fixtures.path("huge.svg"), { maxInputPixels: 2_000_000 });
    expect(analysis!.facts).toMatchObject({ width: 90000, height: 60000, resolution: "large" });
    expect(analysis!.thumbnail.width).toBeLessThanOrEqual(400);
  });

  it("refuses an SVG that would still render over the budget at the lowest density", async () => {
    const error = await rejectionOf("giant.svg");
    expect(error.code).toBe("IMAGE_TOO_LARGE");
  });
});

describe("analyseImage: files it must refuse or pass through", () => {
  it("rejects a 1 kB PNG declaring 50000 x 50000 before decoding, with the reason", async () => {
    const error = await rejectionOf("bomb.png");
    expect(error.code).toBe("IMAGE_TOO_LARGE");
    expect(error.message).toBe("the image declares 50000 x 50000 pixels (2500.0 MP), over the budget of 100.0 MP");
  });

  it("counts every frame of an animation against the budget", async () => {
    const error = await rejectionOf("animated.gif", { maxInputPixels: 40 * 30 * 2 });
    expect(error.code).toBe("IMAGE_TOO_LARGE");
    expect(error.message).toContain("in 3 frames");
  });

  it("rejects a truncated JPEG with the decoder's reason", async () => {
    const error = await rejectionOf("truncated.jpg");
    expect(error.code).toBe("IMAGE_CORRUPT");
    expect(error.message).toMatch(/^the image could not be decoded: .*premature end of JPEG/i);
  });

  it("rejects a PNG with a bad CRC with the decoder's reason", async () => {
    const error = await rejectionOf("bad-crc.png");
    expect(error.code).toBe("IMAGE_CORRUPT");
    expect(error.message).toMatch(/^the image could not be decoded: .*png/i);
  });

  it.each(["notes.txt", "document.pdf"])("passes %s through as not an image", async (name) => {
    expect(await analyseImage(fixtures.path(name))).toBeNull();
  });
});
