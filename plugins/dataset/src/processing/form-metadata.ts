/**
 * What a GeoNode upload form leaves on the upload (its `metadata`) for the commit: the title,
 * abstract and the grants its `permissions` field asked for.
 */
import type { RequestedGrant } from "@assets/core";

/** The upload metadata the GeoNode upload route writes. */
export interface DatasetUploadMetadata {
  dataset_title?: string;
  abstract?: string;
  /** The `permissions` field, parsed (perm_spec, names not yet looked up). */
  grants?: RequestedGrant[];
}

/** The metadata of an upload, read defensively (uploads from other routes carry other keys). */
export function datasetUploadMetadata(metadata: unknown): DatasetUploadMetadata {
  const raw = (typeof metadata === "object" && metadata !== null ? metadata : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value.trim() : undefined);
  return {
    dataset_title: text(raw.dataset_title),
    abstract: text(raw.abstract),
    grants: Array.isArray(raw.grants) ? (raw.grants as RequestedGrant[]) : undefined,
  };
}
