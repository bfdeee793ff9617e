/**
 * Thrown when a stored file cannot be used as a georeferenced raster: empty, not a TIFF,
 * unreadable directory, truncated pixel data, missing georeferencing or an unsupported
 * projection. `reason` is a sentence meant for the person who uploaded the file.
 */
export class InvalidRasterError extends Error {
  /** Human-readable explanation, same text as `message`. */
  readonly reason: string;

  constructor(reason: string) {
    super(reason);
    this.name = "InvalidRasterError";
    this.reason = reason;
  }
}
