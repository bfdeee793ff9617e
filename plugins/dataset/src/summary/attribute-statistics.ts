/**
 * Per-attribute statistics in one pass and bounded memory.
 *
 * - count, min, max, sum, average and stddev (population, as GeoServer's aggregates that GeoNode
 *   shows) are exact (Welford's update for the variance).
 * - median is exact for up to {@link MEDIAN_SAMPLE} values. Beyond, it is the median of a uniform
 *   random sample of that many values (seeded, so repeatable): its rank is within ±1.3% of the
 *   count of the true median's with 99% probability (2.58 · 0.5/√10000).
 * - unique values are exact for up to {@link UNIQUE_LIMIT} distinct values; past that the list
 *   holds the first {@link UNIQUE_LIMIT} seen and `unique.complete` is false.
 */
import type { AttributeType, AttributeValue } from "../vector-layer.js";
import { Reservoir } from "./random.js";

/** Values kept for the median. */
export const MEDIAN_SAMPLE = 10_000;
/** Distinct values counted and listed per attribute. */
export const UNIQUE_LIMIT = 1_000;

/** The statistics of one attribute. Numeric fields are null for non-numeric attributes. */
export interface AttributeStatistics {
  attribute: string;
  type: AttributeType;
  /** Features with a non-null value. */
  count: number;
  /** Features without a value (null or absent). */
  nulls: number;
  /** Numeric min/max for Integer and Real; lexical for String and Date; false < true for Boolean. */
  min: AttributeValue;
  max: AttributeValue;
  sum: number | null;
  average: number | null;
  stddev: number | null;
  median: number | null;
  /** Whether `median` is the exact median (count <= {@link MEDIAN_SAMPLE}). */
  medianExact: boolean;
  unique: { values: AttributeValue[]; complete: boolean };
}

type Seen = "Integer" | "Real" | "String" | "Boolean" | "Date";

/** The type of a field holding values of types `a` and `b`, as GDAL's GeoJSON driver widens them. */
function widen(a: Seen | null, b: Seen): Seen {
  if (a === null || a === b) return b;
  const numeric = ["Boolean", "Integer", "Real"];
  if (numeric.includes(a) && numeric.includes(b)) return numeric.indexOf(a) > numeric.indexOf(b) ? a : b;
  return "String";
}

/** Strings that GDAL reads as dates (YYYY-MM-DD or YYYY/MM/DD). */
const ISO_DATE = /^\d{4}([-/])\d{2}\1\d{2}$/;

/** Accumulates one attribute's values. `declared` fixes the type (Shapefile, FlatGeobuf); else it is inferred. */
export class AttributeAccumulator {
  private seen: Seen | null = null;
  private count = 0;
  private nonNumeric = 0;
  private n = 0;
  private mean = 0;
  private m2 = 0;
  private sum = 0;
  private min = Infinity;
  private max = -Infinity;
  private minText: string | null = null;
  private maxText: string | null = null;
  private readonly sample = new Reservoir<number>(MEDIAN_SAMPLE);
  private readonly unique = new Set<AttributeValue>();
  private uniqueComplete = true;

  constructor(
    readonly name: string,
    private readonly declared?: AttributeType,
  ) {}

  add(value: AttributeValue | undefined): void {
    if (value === null || value === undefined) return;
    this.count += 1;
    const kind: Seen =
      typeof value === "number" ? (Number.isInteger(value) ? "Integer" : "Real") : typeof value === "boolean" ? "Boolean" : ISO_DATE.test(value) ? "Date" : "String";
    this.seen = widen(this.seen, kind);
    if (this.unique.size < UNIQUE_LIMIT || this.unique.has(value)) this.unique.add(value);
    else this.uniqueComplete = false;
    const text = String(value);
    if (this.minText === null || text < this.minText) this.minText = text;
    if (this.maxText === null || text > this.maxText) this.maxText = text;
    const x = typeof value === "number" ? value : typeof value === "boolean" ? Number(value) : NaN;
    if (Number.isNaN(x)) {
      this.nonNumeric += 1;
      return;
    }
    this.n += 1;
    const delta = x - this.mean;
    this.mean += delta / this.n;
    this.m2 += delta * (x - this.mean);
    this.sum += x;
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    this.sample.offer(() => x);
  }

  /** The statistics, given how many features were read. */
  result(featureCount: number): AttributeStatistics {
    const type: AttributeType = this.declared ?? this.seen ?? "String";
    const numeric = (type === "Integer" || type === "Real") && this.nonNumeric === 0 && this.n > 0;
    const values = [...this.unique].sort(compareValues);
    const base = { attribute: this.name, type, count: this.count, nulls: featureCount - this.count, unique: { values, complete: this.uniqueComplete } };
    if (!numeric) {
      const boolean = type === "Boolean" && this.n > 0;
      return {
        ...base,
        min: boolean ? this.min === 1 : this.minText,
        max: boolean ? this.max === 1 : this.maxText,
        sum: null,
        average: null,
        stddev: null,
        median: null,
        medianExact: true,
      };
    }
    return {
      ...base,
      min: this.min,
      max: this.max,
      sum: this.sum,
      average: this.mean,
      stddev: Math.sqrt(this.m2 / this.n),
      median: median(this.sample.items),
      medianExact: this.n <= MEDIAN_SAMPLE,
    };
  }
}

function compareValues(a: AttributeValue, b: AttributeValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function median(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
