/**
 * A WKT CRS (a Shapefile's .prj, OGC or ESRI flavour) to a {@link CrsInfo}, offline. ESRI .prj
 * files carry no EPSG code, so the CRS is identified by its name for the common ones, else by
 * its parameters when exactly one EPSG definition matches; otherwise only the WKT is kept.
 */
import { loadProj4 } from "../libraries.js";
import { InvalidDatasetError } from "../errors.js";
import type { CrsInfo } from "./crs-info.js";
import { crsFromEpsg, epsgMatches, matchingEpsgCodes } from "./epsg.js";

/** ESRI names of common CRSs (the ones ogr2ogr writes), each checked against its parameters. */
const ESRI_NAMES: [RegExp, (m: RegExpExecArray) => number][] = [
  [/^GCS_WGS_1984$/, () => 4326],
  [/^(WGS_1984_Web_Mercator_Auxiliary_Sphere|WGS_84_Pseudo_Mercator|WGS_1984_Web_Mercator)$/, () => 3857],
  [/^WGS_1984_UTM_Zone_(\d{1,2})([NS])$/, (m) => (m[2] === "N" ? 32600 : 32700) + Number(m[1])],
  [/^GCS_ETRS_1989$/, () => 4258],
  [/^ETRS_1989_UTM_Zone_(\d{1,2})N$/, (m) => 25800 + Number(m[1])],
  [/^ETRS_1989_LAEA$/, () => 3035],
  [/^(Amersfoort_)?RD_New$/, () => 28992],
  [/^GCS_Amersfoort$/, () => 4289],
  [/^GCS_North_American_1983$/, () => 4269],
  [/^NAD_1983_UTM_Zone_(\d{1,2})N$/, (m) => 26900 + Number(m[1])],
  [/^British_National_Grid$/, () => 27700],
  [/^GCS_OSGB_1936$/, () => 4277],
  [/^Belge_1972_Belgian_Lambert_72$/, () => 31370],
  [/^DHDN_3_Degree_Gauss_Zone_(\d)$/, (m) => 31464 + Number(m[1])],
];

/** The EPSG code of the WKT's outermost AUTHORITY (WKT1) or ID (WKT2), if it has one. */
function authorityCode(wkt: string): number | null {
  const m = /(?:AUTHORITY|ID)\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]\s*\]\s*$/i.exec(wkt);
  return m ? Number(m[1]) : null;
}

/** Parses a WKT CRS; throws `UNKNOWN_CRS` when proj4 cannot read it. */
export function crsFromWkt(wkt: string): CrsInfo {
  const text = wkt.replace(/^\uFEFF/, "").trim();
  let parsed: Record<string, unknown> & { names?: string[]; name?: string };
  try {
    parsed = loadProj4().Proj(text) as unknown as typeof parsed;
  } catch (error) {
    throw new InvalidDatasetError("UNKNOWN_CRS", `The coordinate system (.prj) could not be read: ${(error as Error).message}`, { cause: error });
  }
  const name = typeof parsed.name === "string" ? parsed.name : undefined;
  const byAuthority = authorityCode(text);
  if (byAuthority !== null) {
    const info = crsFromEpsg(byAuthority, name);
    if (info) return info;
  }
  for (const [pattern, code] of ESRI_NAMES) {
    const m = name ? pattern.exec(name) : null;
    if (m && epsgMatches(code(m), parsed)) return crsFromEpsg(code(m), name)!;
  }
  const matches = matchingEpsgCodes(parsed);
  if (matches.length === 1) return crsFromEpsg(matches[0]!, name)!;
  return { epsg: null, definition: text, ...(name ? { name } : {}) };
}
