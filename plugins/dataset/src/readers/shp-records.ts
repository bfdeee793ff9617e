/**
 * The shapes of a .shp, streamed: records sliced from the stream chunk by chunk and decoded to
 * GeoJSON as mbostock's `shapefile` decodes them (Z and M dropped; a polyline of one part is a
 * LineString; polygon rings: clockwise ones are outer rings, each other ring a hole of the first
 * outer ring containing it, else an outer ring itself; one polygon is a Polygon, more a
 * MultiPolygon). Yields one array of shapes per chunk, so a caller pays one await per chunk,
 * not per record.
 */
import type { Readable } from "node:stream";
import type { Geometry, Position } from "geojson";
import { InvalidDatasetError } from "../errors.js";

/** A decoded shape: GeoJSON, or null for a null shape. */
export type Shape = Geometry | null;

/** Shape type codes by their 2D kind (Z = +10, M = +20). */
const POINT = 1;
const POLYLINE = 3;
const POLYGON = 5;
const MULTIPOINT = 8;

function points(record: Buffer, at: number, count: number): Position[] {
  const out: Position[] = new Array(count);
  for (let j = 0; j < count; j += 1, at += 16) out[j] = [record.readDoubleLE(at), record.readDoubleLE(at + 8)];
  return out;
}

/** The parts of a polyline or polygon record (content offsets: 36 parts count, 40 points, 44 indices). */
function parts(record: Buffer, name: string, index: number): Position[][] {
  const n = record.readInt32LE(36);
  const m = record.readInt32LE(40);
  if (n < 0 || m < 0 || 44 + 4 * n + 16 * m > record.length) {
    throw new InvalidDatasetError("SHAPEFILE_INCONSISTENT", `${name} has a corrupt record ${index + 1}: ${n} parts and ${m} points do not fit its ${record.length} bytes`);
  }
  const coordinates = points(record, 44 + 4 * n, m);
  const out: Position[][] = new Array(n);
  for (let j = 0; j < n; j += 1) {
    const start = record.readInt32LE(44 + 4 * j);
    const end = j + 1 < n ? record.readInt32LE(48 + 4 * j) : m;
    out[j] = coordinates.slice(start, end);
  }
  return out;
}

function ringClockwise(ring: Position[]): boolean {
  const n = ring.length;
  if (n < 4) return false;
  let area = ring[n - 1]![1]! * ring[0]![0]! - ring[n - 1]![0]! * ring[0]![1]!;
  for (let i = 1; i < n; i += 1) area += ring[i - 1]![1]! * ring[i]![0]! - ring[i - 1]![0]! * ring[i]![1]!;
  return area >= 0;
}

function segmentContains(p0: Position, p1: Position, p2: Position): boolean {
  const x20 = p2[0]! - p0[0]!;
  const y20 = p2[1]! - p0[1]!;
  if (x20 === 0 && y20 === 0) return true;
  const x10 = p1[0]! - p0[0]!;
  const y10 = p1[1]! - p0[1]!;
  if (x10 === 0 && y10 === 0) return false;
  const t = (x20 * x10 + y20 * y10) / (x10 * x10 + y10 * y10);
  return t < 0 || t > 1 ? false : t === 0 || t === 1 ? true : t * x10 === x20 && t * y10 === y20;
}

/** 1 inside, -1 outside, 0 on the boundary. */
function ringContains(ring: Position[], point: Position): number {
  const x = point[0]!;
  const y = point[1]!;
  let contains = -1;
  for (let i = 0, n = ring.length, j = n - 1; i < n; j = i++) {
    const pi = ring[i]!;
    const pj = ring[j]!;
    if (segmentContains(pi, pj, point)) return 0;
    const xi = pi[0]!, yi = pi[1]!, xj = pj[0]!, yj = pj[1]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) contains = -contains;
  }
  return contains;
}

function ringContainsSome(ring: Position[], hole: Position[]): boolean {
  for (const point of hole) {
    const c = ringContains(ring, point);
    if (c) return c > 0;
  }
  return false;
}

function polygon(rings: Position[][]): Geometry {
  const polygons: Position[][][] = [];
  const holes: Position[][] = [];
  for (const ring of rings) {
    if (ringClockwise(ring)) polygons.push([ring]);
    else holes.push(ring);
  }
  for (const hole of holes) {
    const outer = polygons.find((p) => ringContainsSome(p[0]!, hole));
    if (outer) outer.push(hole);
    else polygons.push([hole]);
  }
  return polygons.length === 1 ? { type: "Polygon", coordinates: polygons[0]! } : { type: "MultiPolygon", coordinates: polygons };
}

/** Decodes one record's content (starting at its shape type). */
function decode(record: Buffer, fileType: number, name: string, index: number): Shape {
  const type = record.readInt32LE(0);
  if (type === 0) return null;
  if (type !== fileType) throw new InvalidDatasetError("SHAPEFILE_INCONSISTENT", `${name} has a corrupt record ${index + 1}: shape type ${type} in a file of type ${fileType}`);
  const need = (bytes: number) => {
    if (record.length < bytes) throw new InvalidDatasetError("SHAPEFILE_INCONSISTENT", `${name} has a corrupt record ${index + 1}: ${record.length} bytes, a shape of type ${type} needs ${bytes}`);
  };
  switch (type % 10) {
    case POINT:
      need(20);
      return { type: "Point", coordinates: [record.readDoubleLE(4), record.readDoubleLE(12)] };
    case MULTIPOINT: {
      need(40);
      const n = record.readInt32LE(36);
      need(40 + 16 * Math.max(0, n));
      return { type: "MultiPoint", coordinates: points(record, 40, n) };
    }
    case POLYLINE: {
      need(44);
      const lines = parts(record, name, index);
      return lines.length === 1 ? { type: "LineString", coordinates: lines[0]! } : { type: "MultiLineString", coordinates: lines };
    }
    case POLYGON:
      need(44);
      return polygon(parts(record, name, index));
    default:
      throw new InvalidDatasetError("SHAPEFILE_INCONSISTENT", `${name} has the unsupported shape type ${type}`);
  }
}

/**
 * Yields the shapes of a .shp whose stream starts at byte 0, in batches (one per chunk read).
 * `fileType` is the header's shape type; `length` the file length the header declares (the
 * records end there). A record cut short, or of another type, is a `SHAPEFILE_*` error.
 */
export async function* shpBatches(stream: Readable, fileType: number, length: number, name: string): AsyncGenerator<Shape[]> {
  let offset = 0; // bytes of the file consumed before `pending`
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  for await (const chunk of stream) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    let at = 0;
    if (offset === 0) {
      if (pending.length < 100) continue;
      at = 100;
    }
    const batch: Shape[] = [];
    while (offset + at < length && at + 8 <= pending.length) {
      const contentLength = pending.readInt32BE(at + 4) * 2;
      if (contentLength < 4 || offset + at + 8 + contentLength > length) {
        throw new InvalidDatasetError("SHAPEFILE_INCONSISTENT", `${name} has a corrupt record ${index + 1}: content length ${contentLength} at byte ${offset + at}`);
      }
      if (at + 8 + contentLength > pending.length) break;
      batch.push(decode(pending.subarray(at + 8, at + 8 + contentLength), fileType, name, index));
      index += 1;
      at += 8 + contentLength;
    }
    offset += at;
    pending = pending.subarray(at);
    if (batch.length > 0) yield batch;
    if (offset >= length) break;
  }
  if (offset < length) throw new InvalidDatasetError("SHAPEFILE_TRUNCATED", `${name} ends after ${index} records, before the ${length} bytes its header declares`);
}
