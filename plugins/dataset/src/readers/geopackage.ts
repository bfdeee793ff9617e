/**
 * A GeoPackage's feature layer, read row by row with better-sqlite3 (`.iterate()`: one row in
 * memory at a time, never the file). The layer is the one `features` table of gpkg_contents,
 * its CRS from gpkg_spatial_ref_sys (an EPSG code, else the WKT definition), its attribute
 * types from the table's declared column types as GeoPackage names them (clause 1.1.1.1.3).
 * The file is opened read-only and in rollback-journal mode only (see {@link sqliteHeader}), so
 * SQLite never writes beside it.
 */
import { openSync, readSync, closeSync, fstatSync } from "node:fs";
import type Database from "better-sqlite3";
import type { CrsInfo } from "../crs/crs-info.js";
import { crsFromEpsg } from "../crs/epsg.js";
import { crsFromWkt } from "../crs/prj.js";
import { InvalidDatasetError } from "../errors.js";
import { loadSqlite } from "../libraries.js";
import type { AttributeType, AttributeValue, DeclaredField, LayerInfo, VectorFeature, VectorLayer } from "../vector-layer.js";
import { parseGeoPackageGeometry } from "./geopackage-geometry.js";

/** What the 100-byte SQLite header says about the file. */
export interface SqliteHeader {
  /** Bytes the database declares (page size x page count), when the header's count is valid. */
  declaredLength: number | null;
  /** Write-ahead-log mode (file format bytes 18/19 are 2): SQLite would create -wal/-shm files to read it. */
  wal: boolean;
  /** The application id (offset 68): `GPKG` (0x47504B47) for GeoPackage 1.2+, `GP10`/`GP11` before. */
  applicationId: number;
}

/** `SQLite format 3\0`, the first 16 bytes of every SQLite database. */
export const SQLITE_MAGIC = "SQLite format 3\0";

/** Parses the SQLite header (the first 100 bytes of the file). */
export function sqliteHeader(head: Uint8Array): SqliteHeader {
  if (head.length < 100 || Buffer.from(head.subarray(0, 16)).toString("latin1") !== SQLITE_MAGIC) {
    throw new InvalidDatasetError("GEOPACKAGE_INVALID", "The file is not a SQLite database, so not a GeoPackage");
  }
  const view = new DataView(head.buffer, head.byteOffset, 100);
  const rawPageSize = view.getUint16(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  // The page count is valid only when "version-valid-for" (92) equals the change counter (24).
  const pages = view.getUint32(24) === view.getUint32(92) ? view.getUint32(28) : 0;
  return { declaredLength: pages > 0 ? pages * pageSize : null, wal: head[18] === 2 || head[19] === 2, applicationId: view.getUint32(68) };
}

/** GeoPackage geometry type names (clause 2.1.4) as GeoJSON names them; curves have none. */
const GEOMETRY_TYPES: Record<string, string> = {
  GEOMETRY: "Geometry",
  POINT: "Point",
  LINESTRING: "LineString",
  POLYGON: "Polygon",
  MULTIPOINT: "MultiPoint",
  MULTILINESTRING: "MultiLineString",
  MULTIPOLYGON: "MultiPolygon",
  GEOMETRYCOLLECTION: "GeometryCollection",
};

/**
 * The attribute type of a declared column type, as GDAL's GPKG driver reads it: GeoPackage's
 * names first, then SQLite's affinity rules for anything else. Null for BLOB (no attribute type here).
 */
export function columnType(declared: string): AttributeType | null {
  const type = declared.trim().toUpperCase();
  if (type === "BOOLEAN") return "Boolean";
  if (type === "DATE") return "Date";
  if (type === "DATETIME") return "DateTime";
  if (type.includes("INT")) return "Integer";
  if (/CHAR|CLOB|TEXT/.test(type)) return "String";
  if (type.startsWith("BLOB") || type === "") return null;
  if (/REAL|FLOA|DOUB|NUMERIC|DECIMAL/.test(type)) return "Real";
  return "String";
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

interface LayerRow {
  table_name: string;
}
interface GeometryColumnRow {
  column_name: string;
  geometry_type_name: string;
  srs_id: number;
}
interface SrsRow {
  srs_name: string;
  organization: string;
  organization_coordsys_id: number;
  definition: string;
  definition_12_063?: string;
}
interface ColumnRow {
  name: string;
  type: string;
  pk: number;
}

function crsOf(db: Database.Database, srsId: number): CrsInfo | null {
  // SELECT *: definition_12_063 (WKT2) exists only with the crs_wkt extension.
  const srs = db.prepare<[number], SrsRow>("SELECT * FROM gpkg_spatial_ref_sys WHERE srs_id = ?").get(srsId);
  if (!srs) throw new InvalidDatasetError("GEOPACKAGE_INVALID", `The layer's srs_id ${srsId} is not in gpkg_spatial_ref_sys`);
  // -1 and 0 are the spec's "undefined cartesian" and "undefined geographic" systems.
  if (srsId === -1 || srsId === 0) return null;
  const wkt = [srs.definition, srs.definition_12_063].find((d) => typeof d === "string" && d.trim() !== "" && d.trim().toLowerCase() !== "undefined");
  const code = Number(srs.organization_coordsys_id);
  if (String(srs.organization).toUpperCase() === "EPSG" && code > 0) {
    const info = crsFromEpsg(code, srs.srs_name || undefined);
    if (info) return info;
    // An EPSG code without an offline definition (e.g. 4979, WGS 84 3D): the file's WKT with its code.
    if (wkt) return { ...crsFromWkt(wkt), epsg: code };
  }
  if (!wkt) throw new InvalidDatasetError("UNKNOWN_CRS", `The layer's coordinate system ${srs.organization}:${srs.organization_coordsys_id} has no definition and is not known offline`);
  return crsFromWkt(wkt);
}

/** The features table to read: the one of gpkg_contents (a GeoPackage with several is refused: one dataset per upload). */
function findLayer(db: Database.Database): string {
  const hasContents = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name IN ('gpkg_contents', 'gpkg_geometry_columns', 'gpkg_spatial_ref_sys')").all().length === 3;
  if (!hasContents) throw new InvalidDatasetError("GEOPACKAGE_INVALID", "The SQLite database is not a GeoPackage: it has no gpkg_contents, gpkg_geometry_columns and gpkg_spatial_ref_sys tables");
  const layers = db.prepare<[], LayerRow>("SELECT table_name FROM gpkg_contents WHERE lower(data_type) = 'features' ORDER BY table_name").all();
  if (layers.length === 0) throw new InvalidDatasetError("GEOPACKAGE_NO_LAYER", "The GeoPackage has no feature layer (gpkg_contents lists no 'features' table)");
  if (layers.length > 1) {
    throw new InvalidDatasetError("GEOPACKAGE_AMBIGUOUS", `The GeoPackage has ${layers.length} feature layers (${layers.map((l) => l.table_name).join(", ")}); upload one layer per GeoPackage`);
  }
  return layers[0]!.table_name;
}

function translate(error: unknown): InvalidDatasetError {
  if (error instanceof InvalidDatasetError) return error;
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message;
  if (error instanceof loadSqlite().SqliteError || (typeof code === "string" && code.startsWith("SQLITE_"))) {
    return new InvalidDatasetError("GEOPACKAGE_INVALID", `The GeoPackage could not be read: ${message}`, { cause: error });
  }
  return error as InvalidDatasetError;
}

/** Reads the first 100 bytes of a local file. */
function readHead(path: string): { head: Buffer; size: number } {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(100);
    const read = readSync(fd, head, 0, 100, 0);
    return { head: head.subarray(0, read), size: fstatSync(fd).size };
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens the GeoPackage at `path` (a local file in rollback-journal mode: see {@link sqliteHeader};
 * callers copy WAL-mode files first) as a {@link VectorLayer}. The layer, CRS and schema are
 * checked before this returns; the database closes when the features' iteration ends.
 * Errors are {@link InvalidDatasetError}s.
 */
export function readGeoPackage(path: string): VectorLayer {
  const { head, size } = readHead(path);
  const header = sqliteHeader(head);
  if (header.declaredLength !== null && size < header.declaredLength) {
    throw new InvalidDatasetError("GEOPACKAGE_TRUNCATED", `The GeoPackage is cut short: its header declares ${header.declaredLength} bytes, it has ${size}`);
  }
  if (header.wal) throw new InvalidDatasetError("GEOPACKAGE_INVALID", "The GeoPackage is in WAL mode; copy it before reading");
  let db: Database.Database;
  try {
    const Sqlite = loadSqlite();
    db = new Sqlite(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw translate(error);
  }
  try {
    const table = findLayer(db);
    const geometry = db.prepare<[string], GeometryColumnRow>("SELECT column_name, geometry_type_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?").get(table);
    if (!geometry) throw new InvalidDatasetError("GEOPACKAGE_NO_LAYER", `The layer ${table} has no geometry column in gpkg_geometry_columns`);
    const typeName = String(geometry.geometry_type_name).toUpperCase();
    const geometryType = GEOMETRY_TYPES[typeName];
    if (!geometryType) throw new InvalidDatasetError("GEOPACKAGE_UNSUPPORTED", `The layer ${table} holds ${typeName} geometries; curved geometries are not supported: convert them to linear ones`);
    const columns = db.prepare<[string], ColumnRow>("SELECT name, type, pk FROM pragma_table_info(?)").all(table);
    if (columns.length === 0) throw new InvalidDatasetError("GEOPACKAGE_INVALID", `The layer ${table} is listed in gpkg_contents but has no table`);
    if (!columns.some((c) => c.name === geometry.column_name)) {
      throw new InvalidDatasetError("GEOPACKAGE_NO_LAYER", `The layer ${table} has no column ${geometry.column_name}, its declared geometry column`);
    }
    // GDAL's fields: every column but the integer primary key (the FID), the geometry and BLOBs.
    const fields: (DeclaredField & { column: string })[] = [];
    for (const c of columns) {
      if (c.name === geometry.column_name || (c.pk > 0 && /^INTEGER$/i.test(c.type))) continue;
      const type = columnType(c.type);
      if (type) fields.push({ name: c.name, type, column: c.name });
    }
    const crs = crsOf(db, geometry.srs_id);
    const info: LayerInfo = { format: "geopackage", crs, fields: fields.map(({ name, type }) => ({ name, type })), geometryType };
    const sql = `SELECT ${[geometry.column_name, ...fields.map((f) => f.column)].map(quote).join(", ")} FROM ${quote(table)}`;
    const statement = db.prepare(sql).raw(true);
    const opened = db;

    async function* features(): AsyncGenerator<VectorFeature> {
      let index = 0;
      try {
        for (const row of statement.iterate() as IterableIterator<unknown[]>) {
          const where = `feature ${index}`;
          const properties: Record<string, AttributeValue> = {};
          for (let i = 0; i < fields.length; i += 1) properties[fields[i]!.name] = attributeValue(fields[i]!.type, row[i + 1]);
          yield { geometry: parseGeoPackageGeometry(row[0], where), properties };
          index += 1;
        }
      } catch (error) {
        throw translate(error);
      } finally {
        opened.close();
      }
    }
    return { features: features(), info: () => info };
  } catch (error) {
    db.close();
    throw translate(error);
  }
}

/** A stored value as the declared type reads it (SQLite's columns hold any type: coerce as GDAL does). */
function attributeValue(type: AttributeType, value: unknown): AttributeValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "Boolean":
      return typeof value === "number" || typeof value === "bigint" ? Number(value) !== 0 : null;
    case "Integer":
    case "Real": {
      const n = typeof value === "number" ? value : Number(value);
      return Number.isFinite(n) ? n : null;
    }
    default:
      return value instanceof Uint8Array ? null : String(value);
  }
}
