// Shared by the raster benchmarks: the 604 MB raster of the fixtures README (12000 x 12000
// Float32, 512 x 512 tiles, no overviews), made once with gdal_translate under bench/.work/
// (git-ignored; the same command as packages/geotiff/src/__tests__/big-file.test.ts), and the
// engine transpiled to plain JS, so child processes measure its memory without tsx's loader.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(here, "../../shared/fixtures/rasters");
export const WORK = path.join(here, ".work");
export const BIG = path.join(WORK, "big_rd_f4_12000.tif");
export const BIG_SIZE = 603_984_776;
/** The big raster with internal overviews 2, 4, 8, 16 (gdaladdo -r nearest). */
export const BIG_OVR = path.join(WORK, "big_rd_f4_12000_ovr.tif");

function gdal(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr || r.error}`);
}

/** Creates {@link BIG} unless it is there with the expected size; returns its path. */
export function ensureBigRaster(): string {
  if (existsSync(BIG) && statSync(BIG).size === BIG_SIZE) return BIG;
  mkdirSync(WORK, { recursive: true });
  console.log(`creating ${BIG} with gdal_translate ...`);
  gdal("gdal_translate", [
    "-q", "-of", "GTiff", "-ot", "Float32", "-outsize", "12000", "12000", "-r", "nearest",
    "-a_ullr", "93486", "434800", "99486", "428800", "-co", "TILED=YES", "-co", "BLOCKXSIZE=512", "-co", "BLOCKYSIZE=512",
    path.join(FIXTURES, "rd_f4_nodata-9999.tif"), BIG,
  ]);
  return BIG;
}

/** Creates {@link BIG_OVR} (a copy of the big raster plus internal overviews) once; returns its path. */
export function ensureBigRasterWithOverviews(): string {
  if (existsSync(BIG_OVR)) return BIG_OVR;
  ensureBigRaster();
  console.log(`creating ${BIG_OVR} with gdaladdo ...`);
  const partial = `${BIG_OVR}.partial`;
  copyFileSync(BIG, partial);
  gdal("gdaladdo", ["-q", "-r", "nearest", "--config", "GDAL_TIFF_OVR_BLOCKSIZE", "512", partial, "2", "4", "8", "16"]);
  renameSync(partial, BIG_OVR);
  return BIG_OVR;
}

/** Transpiles packages/geotiff/src into `out` (an ES module folder) and returns `out`. */
export function transpileEngine(out: string): string {
  const src = path.resolve(here, "../packages/geotiff/src");
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(src).filter((f) => f.endsWith(".ts"))) {
    const { outputText } = ts.transpileModule(readFileSync(path.join(src, f), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(path.join(out, f.replace(/\.ts$/, ".js")), outputText);
  }
  writeFileSync(path.join(out, "package.json"), '{ "type": "module" }\n');
  return out;
}
