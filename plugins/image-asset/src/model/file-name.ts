/**
 * An asset's file name parts as DatoCMS has them: `filename` is `basename` plus the extension,
 * and `path` is `/<upload uuid>/<filename>`; renaming (DatoCMS's `basename` update) changes the
 * file part of each and keeps the extension and the directory.
 */
import { sanitizeFilename } from "@assets/core";

/** `photo.final.JPG` -> `photo.final`. */
export function basenameOf(filename: string): string {
  const dot = filename.lastIndexOf(".");
  return dot > 0 ? filename.slice(0, dot) : filename;
}

/** `photo.final.JPG` -> `.JPG`; none -> "". */
function extensionOf(filename: string): string {
  return filename.slice(basenameOf(filename).length);
}

/** `filename` renamed to `basename`, its extension kept (`cat.png`, `dog` -> `dog.png`); a slash is no directory. */
export function withBasename(filename: string, basename: string): string {
  return sanitizeFilename(basename.replace(/[\\/]/g, "_") + extensionOf(filename));
}

/** The path, filename and basename columns of an asset whose file is renamed to `basename`. */
export function renamedFile(asset: { path: string; filename: string }, basename: string): { path: string; filename: string; basename: string } {
  const filename = withBasename(asset.filename, basename);
  const directory = asset.path.slice(0, asset.path.lastIndexOf("/") + 1);
  return { path: `${directory}${filename}`, filename, basename: basenameOf(filename) };
}
