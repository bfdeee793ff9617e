/**
 * Offline EPSG definitions (proj4-list, ~5,400 codes with the +towgs84 shifts PROJ picks) and the
 * lookup of a parsed CRS among them by its projection parameters.
 */
import { epsgDefinitions, loadProj4 } from "../libraries.js";
import type { CrsInfo } from "./crs-info.js";

/** The proj4 definition of EPSG:`code`, or null when the offline list does not have it. */
export function epsgDefinition(code: number): string | null {
  return epsgDefinitions()[`EPSG:${code}`]?.[1]?.trim() ?? null;
}

/** The CrsInfo of EPSG:`code`, or null when unknown offline. */
export function crsFromEpsg(code: number, name?: string): CrsInfo | null {
  const def = epsgDefinition(code);
  return def ? { epsg: code, definition: def, ...(name ? { name } : {}) } : null;
}

/** The parameters that decide where a coordinate lands (angles in radians, lengths in metres). */
interface Signature {
  method: string;
  params: number[];
}

type ProjLike = Record<string, unknown> & { names?: string[] };

function num(p: ProjLike, key: string, fallback: number): number {
  const v = p[key];
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

function signature(p: ProjLike): Signature {
  // UTM definitions come as +proj=utm +zone=N; WKT gives Transverse Mercator parameters.
  const utm = typeof p.zone === "number";
  const method = utm ? "tmerc" : (p.names?.[0] ?? "?").replace(/^Extended_Transverse_Mercator$/, "tmerc");
  const long0 = utm ? ((6 * (p.zone as number) - 183) * Math.PI) / 180 : num(p, "long0", 0);
  const k0 = utm ? 0.9996 : num(p, "k0", 1);
  const y0 = utm ? (p.utmSouth ? 10_000_000 : 0) : num(p, "y0", 0);
  const x0 = utm ? 500_000 : num(p, "x0", 0);
  const lat1 = num(p, "lat1", NaN);
  const lat2 = num(p, "lat2", NaN);
  const toMeter = p.units === "degree" || p.units === "degrees" ? 1 : num(p, "to_meter", 1);
  return { method, params: [num(p, "lat0", 0), long0, k0, x0, y0, num(p, "a", 0), num(p, "es", 0), lat1, lat2, toMeter] };
}

const TOLERANCES = [1e-9, 1e-9, 1e-9, 1e-3, 1e-3, 1e-3, 1e-12, 1e-9, 1e-9, 1e-9];

/** Standard parallels (lat1, lat2) count only when both sides state them: proj4 fills them in for some methods. */
function same(a: Signature, b: Signature): boolean {
  if (a.method !== b.method) return false;
  return a.params.every((v, i) => Number.isNaN(v) || Number.isNaN(b.params[i]!) || Math.abs(v - b.params[i]!) <= TOLERANCES[i]!);
}

let index: { code: number; signature: Signature }[] | null = null;

function epsgIndex() {
  // Parsing every definition takes ~1 s once; only files without an authority code need it.
  if (!index) {
    index = [];
    for (const [code, def] of Object.values(epsgDefinitions())) {
      try {
        index.push({ code: Number(code.slice(5)), signature: signature(loadProj4().Proj(def) as unknown as ProjLike) });
      } catch {
        // proj4 cannot parse a few exotic definitions; they can never match.
      }
    }
  }
  return index;
}

/**
 * The EPSG codes whose definitions have the same projection method, parameters, ellipsoid and
 * units as `parsed` (a `proj4.Proj` of a WKT). Datums are not compared: the shifts are not in an
 * ESRI .prj. Several codes can match (every datum on the WGS84 ellipsoid, say).
 */
export function matchingEpsgCodes(parsed: ProjLike): number[] {
  const sig = signature(parsed);
  return epsgIndex()
    .filter((entry) => same(sig, entry.signature))
    .map((entry) => entry.code);
}

/** Whether EPSG:`code` has the same parameters as `parsed`. */
export function epsgMatches(code: number, parsed: ProjLike): boolean {
  const def = epsgDefinition(code);
  return def !== null && same(signature(parsed), signature(loadProj4().Proj(def) as unknown as ProjLike));
}
