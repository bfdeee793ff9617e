/**
 * CSV with coordinates, streamed with csv-parse. Geometry columns are found the way GeoNode's
 * importer opens CSV with GDAL: a WKT column named `wkt`, `wkt_geom`, `geom*` or `the_geom*`; else
 * an x column (`x`, `lon*`, `long*`) with a y column (`y`, `lat*`). They are not attributes
 * (KEEP_GEOM_COLUMNS=NO). Other values are typed as GDAL's AUTODETECT_TYPE=YES types them
 * (numbers become Integer or Real columns), empty fields being null (EMPTY_STRING_AS_NULL=YES). Input is UTF-8; the delimiter is the one of
 * `,` `;` tab `|` that the header line has most of.
 *
 * CSV has no CRS: coordinates are WGS84 longitude/latitude (as GeoNode assumes) while they fit
 * in its range; past it the CRS is unknown (null).
 */
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import type { Geometry } from "geojson";
import wkx from "wkx";
import type { CrsInfo } from "../crs/crs-info.js";
import { WGS84 } from "../crs/geojson-crs.js";
import { InvalidDatasetError } from "../errors.js";
import { checkGeometry, eachPosition } from "../geometry.js";
import type { AttributeValue, LayerInfo, VectorFeature, VectorLayer } from "../vector-layer.js";

const WKT_NAMES = [/^wkt$/i, /^wkt_geom$/i, /^geom/i, /^the_geom/i];
const X_NAMES = [/^x$/i, /^lon/i, /^long/i];
const Y_NAMES = [/^y$/i, /^lat/i];
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Longest accepted record (a WKT polygon can be long; a runaway quote should not eat the file). */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

function findColumn(header: string[], patterns: RegExp[]): number {
  for (const pattern of patterns) {
    const i = header.findIndex((name) => pattern.test(name.trim()));
    if (i >= 0) return i;
  }
  return -1;
}

function sniffDelimiter(firstLine: string): string {
  const unquoted = firstLine.replace(/"[^"]*"/g, "");
  const counts = [",", ";", "\t", "|"].map((d) => [d, unquoted.split(d).length - 1] as const);
  return counts.reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}

const SLASHED_DATE = /^(\d{4})\/(\d{2})\/(\d{2})$/;

/** A field's value: empty is null, numbers are numbers, GDAL's YYYY/MM/DD dates become YYYY-MM-DD. */
function toValue(text: string): AttributeValue {
  if (text === "") return null;
  if (NUMBER.test(text)) return Number(text);
  const date = SLASHED_DATE.exec(text);
  return date ? `${date[1]}-${date[2]}-${date[3]}` : text;
}

async function* prepend(first: Buffer, rest: AsyncIterator<unknown>): AsyncGenerator<Buffer> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value as Buffer;
}

/** Opens a CSV stream as a {@link VectorLayer}. Errors are {@link InvalidDatasetError}s. */
export function readCsv(input: Readable): VectorLayer {
  let crs: CrsInfo | null = WGS84;

  async function* features(): AsyncGenerator<VectorFeature> {
    const chunks = input[Symbol.asyncIterator]();
    const first = await chunks.next();
    if (first.done || (first.value as Buffer).length === 0) throw new InvalidDatasetError("EMPTY_FILE", "The file is empty");
    const head = (first.value as Buffer).toString("utf8", 0, Math.min((first.value as Buffer).length, 64 * 1024));
    const parser = Readable.from(prepend(first.value as Buffer, chunks)).pipe(
      parse({ bom: true, delimiter: sniffDelimiter(head.split(/\r?\n/)[0]!), skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES }),
    );
    let header: string[] | null = null;
    let wktColumn = -1;
    let xColumn = -1;
    let yColumn = -1;
    let row = 1;
    let lonLat = true;
    const checkLonLat = (x: number, y: number) => {
      if (Math.abs(x) > 180 || Math.abs(y) > 90) lonLat = false;
    };
    try {
      for await (const record of parser as AsyncIterable<string[]>) {
        if (!header) {
          header = record.map((name) => name.trim());
          wktColumn = findColumn(header, WKT_NAMES);
          if (wktColumn < 0) {
            xColumn = findColumn(header, X_NAMES);
            yColumn = findColumn(header, Y_NAMES);
          }
          if (wktColumn < 0 && (xColumn < 0 || yColumn < 0)) {
            throw new InvalidDatasetError(
              "CSV_NO_COORDINATES",
              `The CSV has no coordinate columns: expected a WKT column (wkt, wkt_geom, geom…) or longitude/latitude columns (x/lon…/long… with y/lat…); its columns are ${header.slice(0, 20).join(", ")}`,
            );
          }
          continue;
        }
        row += 1;
        let geometry: Geometry | null = null;
        if (wktColumn >= 0) {
          const text = record[wktColumn]!.trim();
          if (text) {
            try {
              geometry = checkGeometry(wkx.Geometry.parse(text).toGeoJSON(), `row ${row}`);
            } catch (error) {
              if (error instanceof InvalidDatasetError) throw error;
              throw new InvalidDatasetError("CSV_INVALID", `Row ${row}: ${header[wktColumn]} is not WKT: ${(error as Error).message}`, { cause: error });
            }
          }
        } else {
          const x = record[xColumn]!.trim();
          const y = record[yColumn]!.trim();
          if (x && y) {
            if (!NUMBER.test(x) || !NUMBER.test(y)) {
              throw new InvalidDatasetError("CSV_INVALID", `Row ${row}: the coordinates ${JSON.stringify(x)}, ${JSON.stringify(y)} are not numbers`);
            }
            geometry = { type: "Point", coordinates: [Number(x), Number(y)] };
          }
        }
        if (geometry && lonLat) eachPosition(geometry, checkLonLat);
        const properties: Record<string, AttributeValue> = {};
        header.forEach((name, i) => {
          if (i !== wktColumn && i !== xColumn && i !== yColumn) properties[name] = toValue(record[i]!);
        });
        yield { geometry, properties };
      }
    } catch (error) {
      if (error instanceof InvalidDatasetError) throw error;
      const code = (error as { code?: string }).code;
      if (typeof code === "string" && code.startsWith("CSV_")) {
        throw new InvalidDatasetError("CSV_INVALID", `The CSV is malformed: ${(error as Error).message}`, { cause: error });
      }
      throw error;
    }
    if (!header) throw new InvalidDatasetError("EMPTY_FILE", "The CSV has no header line");
    if (!lonLat) crs = null;
  }

  return { features: features(), info: (): LayerInfo => ({ format: "csv", crs }) };
}
