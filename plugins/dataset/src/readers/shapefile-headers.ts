/** The fixed headers of a Shapefile's .shp, .shx and .dbf, read before the records to check the parts agree. */
import { InvalidDatasetError } from "../errors.js";
import type { DeclaredField } from "../vector-layer.js";

/** Geometry type of a .shp shape type, in GeoJSON's names (Z and M variants as their 2D type). */
const SHAPE_TYPES: Record<number, string | null> = {
  0: null, 1: "Point", 3: "LineString", 5: "Polygon", 8: "MultiPoint",
  11: "Point", 13: "LineString", 15: "Polygon", 18: "MultiPoint",
  21: "Point", 23: "LineString", 25: "Polygon", 28: "MultiPoint",
};

/** What a .shp or .shx header declares. */
export interface ShapeHeader {
  /** File length in bytes. */
  length: number;
  /** The shape type code (0 null, 1 point, 3 polyline, 5 polygon, 8 multipoint; Z +10, M +20). */
  type: number;
  geometryType: string | null;
}

/** Parses the 100-byte header shared by .shp and .shx; `part` names the file in errors. */
export function parseShapeHeader(head: Buffer, part: string): ShapeHeader {
  if (head.length < 100 || head.readInt32BE(0) !== 9994) {
    throw new InvalidDatasetError("SHAPEFILE_INCONSISTENT", `${part} is not a shapefile (${head.length < 100 ? "shorter than its 100-byte header" : "wrong file code"})`);
  }
  const type = head.readInt32LE(32);
  if (!(type in SHAPE_TYPES)) throw new InvalidDatasetError("SHAPEFILE_INCONSISTENT", `${part} has the unknown shape type ${type}`);
  return { length: head.readInt32BE(24) * 2, type, geometryType: SHAPE_TYPES[type]! };
}

/** What a .dbf header declares. */
export interface DbfHeader {
  records: number;
  headerLength: number;
  recordLength: number;
  /** Language driver id (byte 29), a hint at the encoding when there is no .cpg. */
  languageDriver: number;
  fields: DbfField[];
}

/** A .dbf field: its declared type and where its bytes sit in a record. */
export interface DbfField extends DeclaredField {
  /** The dBASE type letter (C, N, F, D, L, M, B). */
  code: string;
  offset: number;
  length: number;
}

/** How many bytes of a .dbf to read to have its whole header: the first 32 say. */
export function dbfHeaderLength(first32: Buffer): number {
  if (first32.length < 32) throw new InvalidDatasetError("SHAPEFILE_TRUNCATED", "The .dbf is shorter than its 32-byte header");
  return first32.readUInt16LE(8);
}

/** Parses the .dbf header and its field descriptors (GDAL's types: N with decimals is Real). */
export function parseDbfHeader(head: Buffer): DbfHeader {
  const headerLength = dbfHeaderLength(head);
  if (head.length < headerLength || headerLength < 33) throw new InvalidDatasetError("SHAPEFILE_TRUNCATED", "The .dbf is shorter than its header");
  const fields: DbfField[] = [];
  let offset = 1; // each record starts with its deletion flag
  for (let at = 32; at + 32 <= headerLength && head[at] !== 0x0d; at += 32) {
    const nameEnd = head.indexOf(0, at);
    const name = head.toString("latin1", at, nameEnd >= at && nameEnd < at + 11 ? nameEnd : at + 11);
    const code = String.fromCharCode(head[at + 11]!);
    const decimals = head[at + 17]!;
    const type = code === "C" ? "String" : code === "D" ? "Date" : code === "L" ? "Boolean" : code === "F" || decimals > 0 ? "Real" : "Integer";
    if (!"CDLFNMB".includes(code)) throw new InvalidDatasetError("SHAPEFILE_INCONSISTENT", `The .dbf field ${name} has the unknown type '${code}'`);
    const length = head[at + 16]!;
    fields.push({ name, type, code, offset, length });
    offset += length;
  }
  const recordLength = head.readUInt16LE(10);
  if (offset > recordLength) throw new InvalidDatasetError("SHAPEFILE_INCONSISTENT", `The .dbf's fields take ${offset} bytes, more than its ${recordLength}-byte records`);
  return { records: head.readUInt32LE(4), headerLength, recordLength, languageDriver: head[29]!, fields };
}

/**
 * The text encoding of the .dbf: the .cpg's code page when there is one, else the language
 * driver id, else ISO-8859-1 (GDAL's default). Names are WHATWG encoding labels.
 */
export function dbfEncoding(cpg: string | null, languageDriver: number): string {
  const label = cpg?.trim().toUpperCase();
  if (label) {
    if (/^UTF-?8$/.test(label)) return "utf-8";
    const windows = /^(?:ANSI |CP|WINDOWS-)?(125\d)$/.exec(label);
    if (windows) return `windows-${windows[1]}`;
    const iso = /^(?:ISO-?)?8859-?(\d{1,2})$/.exec(label);
    if (iso) return `iso-8859-${iso[1]}`;
    const known = ["KOI8-R", "GB2312", "GBK", "BIG5", "SHIFT_JIS", "EUC-KR", "EUC-JP"];
    if (known.includes(label)) return label.toLowerCase();
  }
  const byDriver: Record<number, string> = { 0x57: "windows-1252", 0x03: "windows-1252", 0x58: "windows-1252", 0x59: "windows-1252", 0xc8: "windows-1250", 0xc9: "windows-1251", 0xcb: "windows-1253", 0xca: "windows-1254" };
  return byDriver[languageDriver] ?? "iso-8859-1";
}
