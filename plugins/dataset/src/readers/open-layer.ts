/**
 * Which reader a stored file needs, from its first bytes and then its name: a zip is a
 * Shapefile archive, `fgb\x03` FlatGeobuf, a SQLite database (or a `.gpkg`) a GeoPackage,
 * JSON GeoJSON, `.csv`/`.tsv`/`.txt` CSV. GeoTIFF is recognised and refused with a reason.
 */
import type { Readable } from "node:stream";
import type { ByteSource } from "../byte-source.js";
import { InvalidDatasetError } from "../errors.js";
import type { VectorFeature, VectorLayer } from "../vector-layer.js";
import { readCsv } from "./csv.js";
import { readFlatGeobuf } from "./flatgeobuf.js";
import { readGeoJson } from "./geojson.js";
import { readGeoPackage, sqliteHeader, SQLITE_MAGIC } from "./geopackage.js";
import { inPlace, localCopy, type LocalFile } from "./local-copy.js";
import { readZippedShapefile } from "./shapefile.js";
import type { ZipLimits } from "./zip.js";

/** A stored file as the readers need it; the core's `StoredFile` (a processor's `ctx.file`) is one. */
export interface DatasetFile extends ByteSource {
  /** Streams the whole file. */
  open(): Promise<Readable>;
  /** Reads up to `length` bytes at `offset`. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * The file's path when storage keeps it on local disk. Readers that need a file (GeoPackage)
   * read it in place; without one they read a temporary copy.
   */
  localPath?: string;
}

/** The vector formats this package reads. */
export type DatasetFormat = "shapefile" | "flatgeobuf" | "geojson" | "csv" | "geopackage";

function startsWith(head: Uint8Array, ...bytes: number[]): boolean {
  return bytes.every((b, i) => head[i] === b);
}

/** The format of a file from its first bytes (up to 64) and its name; throws for what cannot be read. */
export function detectFormat(head: Uint8Array, filename: string): DatasetFormat {
  const extension = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? "";
  if (head.length === 0) throw new InvalidDatasetError("EMPTY_FILE", "The file is empty");
  if (startsWith(head, 0x50, 0x4b, 0x03, 0x04) || startsWith(head, 0x50, 0x4b, 0x05, 0x06)) return "shapefile";
  if (startsWith(head, 0x66, 0x67, 0x62, 0x03)) return "flatgeobuf";
  if (Buffer.from(head.subarray(0, 16)).toString("latin1") === SQLITE_MAGIC) return "geopackage";
  if (extension === "gpkg") throw new InvalidDatasetError("GEOPACKAGE_INVALID", `${filename} is not a GeoPackage: it is not a SQLite database`);
  if (startsWith(head, 0x49, 0x49, 0x2a, 0x00) || startsWith(head, 0x4d, 0x4d, 0x00, 0x2a) || startsWith(head, 0x49, 0x49, 0x2b, 0x00)) {
    throw new InvalidDatasetError("UNSUPPORTED_FORMAT", "This is a TIFF: raster datasets go through the raster-source engine, not the vector readers");
  }
  if (extension === "shp" || extension === "dbf" || extension === "shx") {
    throw new InvalidDatasetError("SHAPEFILE_MISSING_PART", "Upload a Shapefile as one zip with its .shp, .shx, .dbf (and .prj) inside");
  }
  if (["csv", "tsv", "txt"].includes(extension)) return "csv";
  const text = Buffer.from(head).toString("utf8").replace(/^\uFEFF/, "").trimStart();
  if (text.startsWith("{") || text.startsWith("[") || ["json", "geojson"].includes(extension)) return "geojson";
  throw new InvalidDatasetError("UNSUPPORTED_FORMAT", `The file ${filename || "(unnamed)"} is not GeoJSON, CSV, FlatGeobuf, GeoPackage or a zipped Shapefile`);
}

/** Opens the file with the reader its format needs. */
export async function openLayer(file: DatasetFile, filename: string, limits?: ZipLimits): Promise<{ format: DatasetFormat; layer: VectorLayer }> {
  const head = file.size === 0 ? new Uint8Array() : await file.read(0, 100);
  const format = detectFormat(head.subarray(0, 64), filename);
  switch (format) {
    case "shapefile":
      return { format, layer: await readZippedShapefile(file, limits) };
    case "flatgeobuf":
      return { format, layer: readFlatGeobuf(await file.open()) };
    case "geojson":
      return { format, layer: readGeoJson(await file.open()) };
    case "csv":
      return { format, layer: readCsv(await file.open()) };
    case "geopackage":
      return { format, layer: await openGeoPackage(file, head) };
  }
}

/**
 * A GeoPackage needs a local file: the stored one in place, else a temporary copy (always for a
 * WAL-mode file, whose copy is switched to rollback mode so that SQLite reads it without -wal/-shm
 * files). The copy is removed when the features' iteration ends or opening fails.
 */
async function openGeoPackage(file: DatasetFile, head: Uint8Array): Promise<VectorLayer> {
  const header = sqliteHeader(head);
  const local: LocalFile = file.localPath && !header.wal
    ? inPlace(file.localPath)
    : await localCopy(() => file.open(), "layer.gpkg", header.wal ? { patch: { offset: 18, bytes: Uint8Array.of(1, 1) } } : {});
  try {
    const layer = readGeoPackage(local.path);
    async function* features(): AsyncGenerator<VectorFeature> {
      try {
        yield* layer.features;
      } finally {
        await local.release();
      }
    }
    return { features: features(), info: () => layer.info() };
  } catch (error) {
    await local.release();
    throw error;
  }
}
