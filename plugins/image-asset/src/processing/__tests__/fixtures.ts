/**
 * Images made for the tests, whose facts are known by construction, and the independent
 * tools (ImageMagick's identify, exiftool) that report the truth about them.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import sharp from "sharp";

/** Throws a clear error when the truth tools are missing (they are required, never optional). */
export function requireTools(): void {
  for (const [tool, args] of [["identify", ["-version"]], ["exiftool", ["-ver"]]] as const) {
    try {
      execFileSync(tool, [...args], { stdio: "pipe" });
    } catch {
      throw new Error(`${tool} was not found: these tests need Debian's imagemagick and libimage-exiftool-perl (apt-get install -y imagemagick libimage-exiftool-perl)`);
    }
  }
}

/** One line per frame from ImageMagick: its format name and stored width and height. */
export function identify(path: string): { format: string; width: number; height: number }[] {
  const out = execFileSync("identify", ["-format", "%m %w %h\n", path], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return out
    .trim()
    .split("\n")
    .map((line) => {
      const [format, width, height] = line.split(" ");
      return { format: format!, width: Number(width), height: Number(height) };
    });
}

/** exiftool's numeric reading of every tag (`-n`), with composite GPS tags. */
export function exiftool(path: string): Record<string, unknown> {
  const out = execFileSync("exiftool", ["-j", "-n", path], { encoding: "utf8" });
  return (JSON.parse(out) as Record<string, unknown>[])[0]!;
}

/** The images, by name, in a temp dir made by {@link makeFixtures}. */
export interface Fixtures {
  dir: string;
  path(name: string): string;
  dispose(): void;
}

const solid = (width: number, height: number, background: string, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background } });

/** A two-colour 64 x 48 image: left half red, right half blue. */
async function halves(): Promise<Buffer> {
  const left = await solid(32, 48, "#ff0000").png().toBuffer();
  return solid(64, 48, "#0000ff").composite([{ input: left, left: 0, top: 0 }]).png().toBuffer();
}

/** A PNG of `width` x `height` grey pixels whose IDAT holds only a few rows: tiny, and a bomb when decoded. */
export function pngBombHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth; colour type 0 (grey), deflate, no filter, no interlace
  const rows = Buffer.alloc((width + 1) * 4);
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(rows)), chunk("IEND", Buffer.alloc(0))]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Writes every fixture. `photo.jpg` is 400 x 300 stored, EXIF orientation 6 (displayed
 * 300 x 400), with camera tags written by sharp and GPS written by exiftool.
 */
export async function makeFixtures(): Promise<Fixtures> {
  const dir = mkdtempSync(join(tmpdir(), "image-asset-fixtures-"));
  const path = (name: string) => join(dir, name);
  await solid(400, 300, "#336699")
    .jpeg()
    .withExif({
      IFD0: { Make: "TestCam", Model: "X100", Artist: "Ada Lovelace", Copyright: "2026 Test Images" },
      IFD2: { ISOSpeedRatings: "400", FNumber: "28/10", ExposureTime: "1/60", FocalLength: "35/1", Flash: "16", DateTimeOriginal: "2024:05:01 12:30:00", LensModel: "Lens 35" },
    })
    .withMetadata({ orientation: 6 })
    .toFile(path("photo.jpg"));
  execFileSync("exiftool", ["-q", "-overwrite_original", "-GPSLatitude=52.0907", "-GPSLatitudeRef=N", "-GPSLongitude=5.1214", "-GPSLongitudeRef=E", path("photo.jpg")]);
  await solid(120, 80, "#ff0000").toColourspace("cmyk").jpeg().toFile(path("cmyk.jpg"));
  await solid(300, 200, "#20a040").jpeg({ progressive: true }).toFile(path("progressive.jpg"));
  await solid(64, 64, "#00640a80", 4).png().toFile(path("alpha.png"));
  writeFileSync(path("halves.png"), await halves());
  await solid(50, 40, "#c83214").png().toFile(path("solid.png"));
  await solid(30, 20, "#123456").webp().toFile(path("still.webp"));
  await solid(30, 20, "#123456").avif().toFile(path("still.avif"));
  await solid(30, 20, "#123456").tiff().toFile(path("still.tiff"));
  await solid(2400, 1600, "#808080").jpeg().toFile(path("large.jpg"));
  const frames = await Promise.all(["#ff0000", "#00ff00", "#0000ff"].map((c) => solid(40, 30, c, 4).png().toBuffer()));
  await sharp(frames, { join: { animated: true } }).gif({ delay: [100, 100, 100], loop: 0 }).toFile(path("animated.gif"));
  await sharp(frames, { join: { animated: true } }).webp({ delay: [100, 100, 100], loop: 0 }).toFile(path("animated.webp"));
  writeFileSync(path("drawing.svg"), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 60"><rect width="120" height="60" fill="#0000ff"/></svg>');
  writeFileSync(path("huge.svg"), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 90000 60000"><rect width="90000" height="60000" fill="#00ff00"/></svg>');
  writeFileSync(path("giant.svg"), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9000000 6000000"><rect width="9000000" height="6000000"/></svg>');
  writeFileSync(path("bomb.png"), pngBombHeader(50_000, 50_000));
  const jpeg = readFileSync(path("large.jpg"));
  writeFileSync(path("truncated.jpg"), jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
  const png = Buffer.from(readFileSync(path("solid.png")));
  const idat = png.indexOf("IDAT");
  png[idat + 4 + png.readUInt32BE(idat - 4)] ^= 0xff; // flip a byte of the IDAT chunk's CRC
  writeFileSync(path("bad-crc.png"), png);
  writeFileSync(path("notes.txt"), "not an image, just some text\n".repeat(100));
  writeFileSync(path("document.pdf"), "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");
  return { dir, path, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
