import type { ResourceAction, ResourceRecord } from "@assets/core";

/** GeoNode's `resource_type` of each resource type key this plugin serves. */
export type GeonodeResourceType = "dataset" | "document";

/** A resource as the GeoNode serializers render it: the row, the caller's actions on it, their favourite flag. */
export interface ResourceView {
  row: ResourceRecord;
  resourceType: string;
  /** What the caller may do with it (`perms`). */
  actions: ResourceAction[];
  favorite: boolean;
}
