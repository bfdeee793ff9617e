/**
 * A zipped Shapefile (.shp, .shx, .dbf, optional .prj and .cpg) read record by record from
 * entry streams of the archive: shapes with {@link shpBatches} (decoded as mbostock's `shapefile`
 * decodes them), attributes with {@link dbfBatches} (native TextDecoder, GDAL's null rules), both
 * a chunk's records at a time. Before any record is read, the
 * headers are checked against each other and against the entry sizes, so a part cut short or
 * from another file is refused instead of read as fewer features.
 */
import type { Readable } from "node:stream";
import type { ByteSource } from "../byte-source.js";
import type { CrsInfo } from "../crs/crs-info.js";
import { crsFromWkt } from "../crs/prj.js";
import { InvalidDatasetError } from "../errors.js";
import type { AttributeValue, LayerInfo, VectorFeature, VectorLayer } from "../vector-layer.js";
import { dbfBatches } from "./dbf-records.js";
import { dbfEncoding, dbfHeaderLength, parseDbfHeader, parseShapeHeader } from "./shapefile-headers.js";
import { shpBatches } from "./shp-records.js";
import { openZip, type ZipArchive, type ZipEntryInfo, type ZipLimits } from "./zip.js";

/** Reads up to `length` bytes from the start of a stream, then stops it. */
async function head(stream: Readable, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= length) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, length);
}

async function text(zip: ZipArchive, entry: ZipEntryInfo | undefined, limit: number): Promise<string | null> {
  if (!entry) return null;
  if (entry.size > limit) throw new InvalidDatasetError("SHAPEFILE_INCONSISTENT", `${entry.name} is ${entry.size} bytes, more than a ${entry.name.slice(-4)} should be`);
  return (await head(await zip.open(entry), limit)).toString("utf8");
}

/** The one shapefile in the archive: its parts by extension. Ignores macOS resource forks. */
function findParts(entries: ZipEntryInfo[]): Record<string, ZipEntryInfo | undefined> {
  const files = entries.filter((e) => !/(^|\/)(__MACOSX\/|\._)/.test(e.name));
  const shps = files.filter((e) => /\.shp$/i.test(e.name));
  if (shps.length === 0) throw new InvalidDatasetError("SHAPEFILE_MISSING_PART", "The archive has no .shp file");
  if (shps.length > 1) throw new InvalidDatasetError("SHAPEFILE_AMBIGUOUS", `The archive has ${shps.length} .shp files (${shps.map((e) => e.name).join(", ")}); upload one shapefile per archive`);
  const stem = shps[0]!.name.slice(0, -4).toLowerCase();
  const part = (ext: string) => files.find((e) => e.name.toLowerCase() === `${stem}.${ext}`);
  const parts = { shp: shps[0], shx: part("shx"), dbf: part("dbf"), prj: part("prj"), cpg: part("cpg") };
  for (const required of ["shx", "dbf"] as const) {
    if (!parts[required]) throw new InvalidDatasetError("SHAPEFILE_MISSING_PART", `The shapefile ${shps[0]!.name} has no .${required} beside it`);
  }
  return parts;
}

/** Opens a zipped Shapefile as a {@link VectorLayer}. Errors are {@link InvalidDatasetError}s. */
export async function readZippedShapefile(source: ByteSource, limits?: ZipLimits): Promise<VectorLayer> {
  const zip = await openZip(source, limits);
  try {
    const parts = findParts(zip.entries);
    const shp = parts.shp!;
    const shx = parts.shx!;
    const dbf = parts.dbf!;
    const shpHeader = parseShapeHeader(await head(await zip.open(shp), 100), shp.name);
    const shxHeader = parseShapeHeader(await head(await zip.open(shx), 100), shx.name);
    if (shp.size < shpHeader.length) {
      throw new InvalidDatasetError("SHAPEFILE_TRUNCATED", `${shp.name} is cut short: its header declares ${shpHeader.length} bytes, it has ${shp.size}`);
    }
    if (shx.size < shxHeader.length) {
      throw new InvalidDatasetError("SHAPEFILE_TRUNCATED", `${shx.name} is cut short: its header declares ${shxHeader.length} bytes, it has ${shx.size}`);
    }
    const first = await head(await zip.open(dbf), 32);
    const dbfHeader = parseDbfHeader(await head(await zip.open(dbf), dbfHeaderLength(first)));
    const dbfLength = dbfHeader.headerLength + dbfHeader.records * dbfHeader.recordLength;
    if (dbf.size < dbfLength) {
      throw new InvalidDatasetError("SHAPEFILE_TRUNCATED", `${dbf.name} is cut short: its header declares ${dbfHeader.records} records (${dbfLength} bytes), it has ${dbf.size} bytes`);
    }
    const indexed = (shxHeader.length - 100) / 8;
    if (indexed !== dbfHeader.records || shxHeader.geometryType !== shpHeader.geometryType) {
      throw new InvalidDatasetError("SHAPEFILE_INCONSISTENT", `The parts do not belong together: ${shx.name} indexes ${indexed} ${shxHeader.geometryType ?? "null"} shapes, ${dbf.name} has ${dbfHeader.records} records of a ${shpHeader.geometryType ?? "null"} .shp`);
    }
    const prj = await text(zip, parts.prj, 64 * 1024);
    const crs: CrsInfo | null = prj && prj.trim() ? crsFromWkt(prj) : null;
    const encoding = dbfEncoding(await text(zip, parts.cpg, 1024), dbfHeader.languageDriver);
    const info: LayerInfo = { format: "shapefile", crs, fields: dbfHeader.fields, geometryType: shpHeader.geometryType ?? undefined, declaredCount: dbfHeader.records };

    async function* features(): AsyncGenerator<VectorFeature> {
      const shapes = shpBatches(await zip.open(shp), shpHeader.type, shpHeader.length, shp.name);
      const attributes = dbfBatches(await zip.open(dbf), dbfHeader, encoding);
      try {
        let records: Record<string, AttributeValue>[] = [];
        let r = 0;
        let count = 0;
        for await (const batch of shapes) {
          for (const geometry of batch) {
            if (r === records.length) {
              const next = await attributes.next();
              if (next.done) throw new InvalidDatasetError("SHAPEFILE_INCONSISTENT", `${shp.name} has more shapes than ${dbf.name} has records (${dbfHeader.records})`);
              records = next.value;
              r = 0;
            }
            count += 1;
            yield { geometry, properties: records[r++]! };
          }
        }
        if (count !== dbfHeader.records) throw new InvalidDatasetError("SHAPEFILE_INCONSISTENT", `${shp.name} has ${count} shapes, ${dbf.name} ${dbfHeader.records} records`);
      } finally {
        await shapes.return(undefined);
        await attributes.return(undefined);
        zip.close();
      }
    }
    return { features: features(), info: () => info };
  } catch (error) {
    zip.close();
    throw error;
  }
}
