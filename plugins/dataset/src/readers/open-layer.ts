/**
 * Which reader a stored file needs, from its first bytes and then its name: a zip is a
 * Shapefile archive, `fgb\x03` FlatGeobuf, JSON GeoJSON, `.csv`/`.tsv`/`.txt` CSV.
 * GeoPackage and GeoTIFF are recognised and refused with a reason (not read here).
 */
import type { Readable } from "node:stream";
import type { ByteSource } from "../byte-source.js";
import { InvalidDatasetError } from "../errors.js";
import type { VectorLayer } from "../vector-layer.js";
import { readCsv } from "./csv.js";
import { readFlatGeobuf } from "./flatgeobuf.js";
import { readGeoJson } from "./geojson.js";
import { readZippedShapefile } from "./shapefile.js";
import type { ZipLimits } from "./zip.js";

/** A stored file as the readers need it; the core's `StoredFile` (a processor's `ctx.file`) is one. */
export interface DatasetFile extends ByteSource {
  /** Streams the whole file. */
  open(): Promise<Readable>;
  /** Reads up to `length` bytes at `offset`. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** The vector formats this package reads. */
export type DatasetFormat = "shapefile" | "flatgeobuf" | "geojson" | "csv";

function startsWith(head: Uint8Array, ...bytes: number[]): boolean {
  return bytes.every((b, i) => head[i] === b);
}

/** The format of a file from its first bytes (up to 64) and its name; throws for what cannot be read. */
export function detectFormat(head: Uint8Array, filename: string): DatasetFormat {
  const extension = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? "";
  if (head.length === 0) throw new InvalidDatasetError("EMPTY_FILE", "The file is empty");
  if (startsWith(head, 0x50, 0x4b, 0x03, 0x04) || startsWith(head, 0x50, 0x4b, 0x05, 0x06)) return "shapefile";
  if (startsWith(head, 0x66, 0x67, 0x62, 0x03)) return "flatgeobuf";
  if (Buffer.from(head.subarray(0, 16)).toString("latin1") === "SQLite format 3\0") {
    throw new InvalidDatasetError("UNSUPPORTED_FORMAT", "GeoPackage files are not supported yet: export the layer as GeoJSON, FlatGeobuf or a zipped Shapefile");
  }
  if (startsWith(head, 0x49, 0x49, 0x2a, 0x00) || startsWith(head, 0x4d, 0x4d, 0x00, 0x2a) || startsWith(head, 0x49, 0x49, 0x2b, 0x00)) {
    throw new InvalidDatasetError("UNSUPPORTED_FORMAT", "This is a TIFF: raster datasets go through the raster-source engine, not the vector readers");
  }
  if (extension === "shp" || extension === "dbf" || extension === "shx") {
    throw new InvalidDatasetError("SHAPEFILE_MISSING_PART", "Upload a Shapefile as one zip with its .shp, .shx, .dbf (and .prj) inside");
  }
  if (["csv", "tsv", "txt"].includes(extension)) return "csv";
  const text = Buffer.from(head).toString("utf8").replace(/^\uFEFF/, "").trimStart();
  if (text.startsWith("{") || text.startsWith("[") || ["json", "geojson"].includes(extension)) return "geojson";
  throw new InvalidDatasetError("UNSUPPORTED_FORMAT", `The file ${filename || "(unnamed)"} is not GeoJSON, CSV, FlatGeobuf or a zipped Shapefile`);
}

/** Opens the file with the reader its format needs. */
export async function openLayer(file: DatasetFile, filename: string, limits?: ZipLimits): Promise<{ format: DatasetFormat; layer: VectorLayer }> {
  const format = detectFormat(file.size === 0 ? new Uint8Array() : await file.read(0, 64), filename);
  switch (format) {
    case "shapefile":
      return { format, layer: await readZippedShapefile(file, limits) };
    case "flatgeobuf":
      return { format, layer: readFlatGeobuf(await file.open()) };
    case "geojson":
      return { format, layer: readGeoJson(await file.open()) };
    case "csv":
      return { format, layer: readCsv(await file.open()) };
  }
}
