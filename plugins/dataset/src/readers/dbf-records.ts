/**
 * The records of a .dbf, streamed: fixed-length records sliced from the stream and decoded as
 * GDAL reads them (trailing blanks dropped; blank strings, numbers and dates are null; dates as YYYY-MM-DD).
 */
import type { Readable } from "node:stream";
import { InvalidDatasetError } from "../errors.js";
import type { AttributeValue } from "../vector-layer.js";
import type { DbfField, DbfHeader } from "./shapefile-headers.js";

function decodeField(field: DbfField, raw: string): AttributeValue {
  switch (field.code) {
    case "C": {
      const text = raw.replace(/[ \0]+$/, "");
      return text === "" ? null : text; // a .dbf has no null string: GDAL reads blank as null
    }
    case "D": {
      const d = raw.trim();
      if (!/^\d{8}$/.test(d) || d === "00000000") return null;
      return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
    }
    case "L":
      return /^[YyTt]$/.test(raw.trim()) ? true : /^[NnFf]$/.test(raw.trim()) ? false : null;
    default: {
      const n = raw.trim();
      if (n === "" || /^\*+$/.test(n)) return null;
      const value = Number(n);
      return Number.isFinite(value) ? value : null;
    }
  }
}

/**
 * Yields the records' attributes in order, in batches (one per chunk read, so a caller pays one
 * await per chunk, not per record); the stream starts at byte 0 of the .dbf.
 */
export async function* dbfBatches(stream: Readable, header: DbfHeader, encoding: string): AsyncGenerator<Record<string, AttributeValue>[]> {
  const decoder = new TextDecoder(encoding);
  const { headerLength, recordLength, records, fields } = header;
  let skip = headerLength;
  let pending: Buffer = Buffer.alloc(0);
  let emitted = 0;
  for await (const chunk of stream) {
    let data = chunk as Buffer;
    if (skip > 0) {
      const dropped = Math.min(skip, data.length);
      skip -= dropped;
      data = data.subarray(dropped);
    }
    pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
    const batch: Record<string, AttributeValue>[] = [];
    let at = 0;
    for (; at + recordLength <= pending.length && emitted < records; at += recordLength) {
      const out: Record<string, AttributeValue> = {};
      for (const field of fields) {
        out[field.name] = decodeField(field, decoder.decode(pending.subarray(at + field.offset, at + field.offset + field.length)));
      }
      emitted += 1;
      batch.push(out);
    }
    pending = pending.subarray(at);
    if (batch.length > 0) yield batch;
    if (emitted >= records) break;
  }
  if (emitted < records) throw new InvalidDatasetError("SHAPEFILE_TRUNCATED", `The .dbf ends after ${emitted} of its ${records} records`);
}
