import { UnrecoverableError } from "@assets/core";

/**
 * Why a vector file cannot become a dataset. Stable codes, so the API profile can report
 * them and tests can assert them; the message is a sentence for the person who uploaded it.
 */
export type DatasetErrorCode =
  | "EMPTY_FILE"
  | "UNSUPPORTED_FORMAT"
  | "NOT_JSON"
  | "NOT_GEOJSON"
  | "INVALID_GEOMETRY"
  | "NOT_ZIP"
  | "ZIP_UNSAFE_PATH"
  | "ZIP_SIZE_MISMATCH"
  | "ZIP_TOO_LARGE"
  | "SHAPEFILE_MISSING_PART"
  | "SHAPEFILE_AMBIGUOUS"
  | "SHAPEFILE_TRUNCATED"
  | "SHAPEFILE_INCONSISTENT"
  | "FEATURE_COUNT_MISMATCH"
  | "CSV_NO_COORDINATES"
  | "CSV_INVALID"
  | "FLATGEOBUF_INVALID"
  | "GEOPACKAGE_INVALID"
  | "GEOPACKAGE_TRUNCATED"
  | "GEOPACKAGE_NO_LAYER"
  | "GEOPACKAGE_AMBIGUOUS"
  | "GEOPACKAGE_UNSUPPORTED"
  | "UNKNOWN_CRS";

/**
 * A corrupt or inconsistent dataset file. It is an {@link UnrecoverableError}, so a processor
 * that lets it escape ends the upload `rejected` with `message` as the reason; retrying would not help.
 */
export class InvalidDatasetError extends UnrecoverableError {
  /** Stable machine-readable reason, e.g. `SHAPEFILE_MISSING_PART`. */
  readonly code: DatasetErrorCode;

  constructor(code: DatasetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidDatasetError";
    this.code = code;
  }
}
