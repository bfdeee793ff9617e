import { GEONODE_PERMISSION, RESOURCE_ACTIONS, type CompactLevel } from "@assets/core";
import type { GeonodeType } from "./resource-base-service.js";

/**
 * `GET /resources/resource_types`: each type GeoNode serves, how many of
 * them the caller may view, and what may be granted on it (`allowed_perms`:
 * the permission names per kind of grantee, and the compact levels GeoNode's
 * permission dialog offers).
 */

/** One compact level as GeoNode lists it. */
export interface CompactChoice {
  name: CompactLevel;
  label: string;
}

export interface ResourceTypeEntry {
  name: GeonodeType;
  count: number;
  allowed_perms: { perms: Record<string, string[]>; compact: Record<string, CompactChoice[]> };
}

const LABELS: Record<CompactLevel, string> = { none: "None", view: "View", download: "Download", edit: "Edit", manage: "Manage", owner: "Owner" };
const choices = (...levels: CompactLevel[]) => levels.map((name) => ({ name, label: LABELS[name] }));

/** GeoNode's name of the group every signed-in user is in. */
export const REGISTERED_MEMBERS = "registered-members";

/** A type's entry: anyone may only view and download; users and groups may get any level but owner. */
export function resourceTypeEntry(type: GeonodeType, count: number): ResourceTypeEntry {
  const all = RESOURCE_ACTIONS.map((action) => GEONODE_PERMISSION[action]);
  const full = type === "dataset" ? [...all, "change_dataset_data", "change_dataset_style"] : all;
  return {
    name: type,
    count,
    allowed_perms: {
      perms: { anonymous: [GEONODE_PERMISSION.view, GEONODE_PERMISSION.download], default: full, [REGISTERED_MEMBERS]: full },
      compact: {
        anonymous: choices("none", "view", "download"),
        default: choices("view", "download", "edit", "manage", "owner"),
        [REGISTERED_MEMBERS]: choices("none", "view", "download", "edit", "manage"),
      },
    },
  };
}
