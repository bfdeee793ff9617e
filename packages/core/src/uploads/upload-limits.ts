/** Limits on what clients may send. */
export interface UploadLimits {
  /** Largest upload in bytes, for every type (a type's `maxUploadSize` may lower it). */
  maxUploadSize: number;
  /** Uploads one user may stream at the same time (per server process). */
  maxParallelUploads: number;
  /** How long an upload request or a resumable upload may wait for its bytes, in ms. */
  requestTtlMs: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxUploadSize: 2 * 1024 ** 3,
  maxParallelUploads: 5,
  requestTtlMs: 24 * 60 * 60 * 1000,
};
