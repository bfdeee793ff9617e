/**
 * sharp, proj4 and proj4-list, loaded on first use rather than with the package: libvips
 * and the ~5,400 EPSG definitions were ~28 MiB of the idle RSS of a server that had not yet
 * read a dataset. All three have CommonJS builds, so they load synchronously; so does
 * better-sqlite3 (a native addon, loaded with the first GeoPackage).
 */
import { createRequire } from "node:module";
import type Proj4 from "proj4";
import type Proj4List from "proj4-list";
import type Sharp from "sharp";
import type BetterSqlite3 from "better-sqlite3";

const load = createRequire(import.meta.url);
let sharp: typeof Sharp | undefined;
let proj4: typeof Proj4 | undefined;
let proj4list: typeof Proj4List | undefined;
let sqlite: typeof BetterSqlite3 | undefined;

/** sharp, with libvips' operation cache off (memory follows the work in hand; strapi#26046). */
export function loadSharp(): typeof Sharp {
  if (!sharp) {
    sharp = load("sharp") as typeof Sharp;
    sharp.cache(false);
  }
  return sharp;
}

/** proj4. */
export function loadProj4(): typeof Proj4 {
  proj4 ??= load("proj4") as typeof Proj4;
  return proj4;
}

/** proj4-list's EPSG definitions, keyed "EPSG:<code>". */
export function epsgDefinitions(): typeof Proj4List {
  proj4list ??= load("proj4-list") as typeof Proj4List;
  return proj4list;
}

/** better-sqlite3's Database class (its SqliteError is `loadSqlite().SqliteError`). */
export function loadSqlite(): typeof BetterSqlite3 {
  sqlite ??= load("better-sqlite3") as typeof BetterSqlite3;
  return sqlite;
}
