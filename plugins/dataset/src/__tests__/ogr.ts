/** GDAL's ogrinfo as the independent truth for the dataset tests (gdal-bin is required). */
import { spawnSync } from "node:child_process";

/** Runs a GDAL tool; its "ERROR" lines on stderr fail the test even when it exits 0. */
function run(tool: string, args: string[]): string {
  const result = spawnSync(tool, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error && (result.error as { code?: string }).code === "ENOENT") {
    throw new Error(`${tool} was not found: these tests need GDAL's command-line tools (apt-get install -y gdal-bin)`);
  }
  if (result.error || result.status !== 0 || /^ERROR/m.test(result.stderr)) {
    throw new Error(`${tool} ${args.join(" ")} failed: ${result.stderr || String(result.error)}`);
  }
  return result.stdout;
}

/** Runs ogr2ogr with `args`. */
export function ogr2ogr(args: string[]): void {
  run("ogr2ogr", args);
}

/** What `ogrinfo -so -al` reports for a single-layer file. */
export interface OgrLayerInfo {
  geometry: string;
  featureCount: number;
  extent: [number, number, number, number] | null;
  epsg: number | null;
  fields: { name: string; type: string }[];
}

export function ogrinfoSummary(file: string, openOptions: string[] = []): OgrLayerInfo {
  const out = run("ogrinfo", ["-ro", "-so", "-al", ...openOptions.flatMap((o) => ["-oo", o]), file]);
  const extent = /^Extent: \(([-\d.e+]+), ([-\d.e+]+)\) - \(([-\d.e+]+), ([-\d.e+]+)\)$/m.exec(out);
  const wkt = /^Layer SRS WKT:\n([\s\S]*?)\nData axis/m.exec(out)?.[1] ?? "";
  const epsg = /ID\["EPSG",(\d+)\]\]$/.exec(wkt.trim());
  // Fields follow the SRS: after "Data axis to CRS axis mapping", or after "(unknown)" without one.
  const srsEnd = out.search(/^(Data axis to CRS axis mapping.*|\(unknown\))$/m);
  const fieldLines = out
    .slice(srsEnd)
    .split("\n")
    .slice(1)
    .map((l) => /^(.+?): (\w+)(?: ?\((\w+)\))? \(/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null);
  return {
    geometry: /^Geometry: (.+)$/m.exec(out)![1]!,
    featureCount: Number(/^Feature Count: (\d+)$/m.exec(out)![1]),
    extent: extent ? [Number(extent[1]), Number(extent[2]), Number(extent[3]), Number(extent[4])] : null,
    epsg: epsg ? Number(epsg[1]) : null,
    fields: fieldLines.map((m) => ({ name: m[1]!, type: m[3] ?? m[2]! })),
  };
}

/** Statistics of one attribute through ogrinfo's SQLite dialect (stddev_pop from SpatiaLite). */
export interface OgrFieldStats {
  min: string;
  max: string;
  sum: string;
  avg: string;
  count: number;
  distinct: number;
  stddev: string;
  median: string;
}

export function ogrFieldStats(file: string, layer: string, field: string, openOptions: string[] = []): OgrFieldStats {
  const f = `"${field}"`;
  const oo = openOptions.flatMap((o) => ["-oo", o]);
  const sql =
    `SELECT MIN(${f}) AS min, MAX(${f}) AS max, SUM(${f}) AS sum, AVG(${f}) AS avg, COUNT(${f}) AS count, ` +
    `COUNT(DISTINCT ${f}) AS distinct_count, stddev_pop(${f}) AS stddev FROM "${layer}"`;
  const out = run("ogrinfo", ["-ro", "-q", "-dialect", "SQLite", "-sql", sql, ...oo, file]);
  const value = (key: string) => new RegExp(`^  ${key} \\(\\w+\\) = (.*)$`, "m").exec(out)?.[1] ?? "(null)";
  const count = Number(value("count"));
  // The middle one or two values, in a query of their own (some drivers cannot nest scans of a layer).
  const middle = run("ogrinfo", [
    "-ro", "-q", "-dialect", "SQLite", "-sql",
    `SELECT ${f} AS v FROM "${layer}" WHERE ${f} IS NOT NULL ORDER BY ${f} LIMIT ${2 - (count % 2)} OFFSET ${Math.floor((count - 1) / 2)}`,
    ...oo, file,
  ]);
  const values = [...middle.matchAll(/^ {2}v \(\w+\) = (.*)$/gm)].map((m) => Number(m[1]));
  return {
    min: value("min"),
    max: value("max"),
    sum: value("sum"),
    avg: value("avg"),
    count,
    distinct: Number(value("distinct_count")),
    stddev: value("stddev"),
    median: String(values.reduce((a, b) => a + b, 0) / values.length),
  };
}

/** GDAL's geometry type names in GeoJSON's spelling ("Multi Polygon" -> "MultiPolygon", "Unknown (any)" -> "Geometry"). */
export function geoJsonTypeName(gdal: string): string | null {
  if (gdal === "None") return null;
  if (gdal === "Unknown (any)") return "Geometry";
  return gdal.replace(/^3D /, "").replace(/^Multi /, "Multi").replace(/ /g, "");
}

/** Throws unless `actual` is within `relative` (relative to max(1, |expected|)) of `expected`. */
export function expectClose(actual: number | null | undefined, expected: number, relative = 1e-9): void {
  if (actual === null || actual === undefined || Math.abs(actual - expected) > relative * Math.max(1, Math.abs(expected))) {
    throw new Error(`expected ${actual} to be within ${relative} (relative) of ${expected}`);
  }
}
