import type { Dataset, DatasetAttribute, ResourceAction, ResourceRecord } from "@assets/core";

/** GeoNode's `resource_type` of each resource type key this plugin serves. */
export type GeonodeResourceType = "dataset" | "document";

/** A resource as the GeoNode serializers render it: the row, its Dataset half, the caller's actions on it, their favourite flag. */
export interface ResourceView {
  row: ResourceRecord;
  resourceType: string;
  /** The Dataset row (null for a resource made without data, e.g. by `POST /resources/`). */
  dataset: Dataset | null;
  /** The attribute set in display order; loaded only when the answer renders it. */
  attributes: DatasetAttribute[];
  /** What the caller may do with it (`perms`). */
  actions: ResourceAction[];
  favorite: boolean;
}

/** What to load beside the rows. */
export interface ViewOptions {
  /** Load each dataset's `attribute_set` (details and `include[]=attribute_set`). */
  attributes?: boolean;
}
