/**
 * Libraries loaded on first use rather than with the package. sharp, proj4 and the EPSG
 * definitions are the GeoTIFF engine's lazy loaders (one libvips set-up for both plugins);
 * better-sqlite3, a native addon, loads with the first GeoPackage.
 */
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";

export { epsgDefinitions, loadProj4, loadSharp } from "@assets/geotiff";

const load = createRequire(import.meta.url);
let sqlite: typeof BetterSqlite3 | undefined;

/** better-sqlite3's Database class (its SqliteError is `loadSqlite().SqliteError`). */
export function loadSqlite(): typeof BetterSqlite3 {
  sqlite ??= load("better-sqlite3") as typeof BetterSqlite3;
  return sqlite;
}
