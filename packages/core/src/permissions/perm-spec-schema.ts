import { z } from "zod";
import { schemaComponent } from "../http/route.js";
import { COMPACT_LEVELS, GEONODE_PERMISSION } from "./perm-spec.js";

const permission = z.enum(Object.values(GEONODE_PERMISSION) as [string, ...string[]]);
const compactEntry = z.object({ id: z.number().int().optional(), username: z.string().optional(), name: z.string().optional(), permissions: z.enum(COMPACT_LEVELS) });

/** GeoNode's extended perm_spec, as `toExtended` renders it (and `parsePermSpec` reads). */
export const EXTENDED_PERM_SPEC = schemaComponent(
  "ExtendedPermSpec",
  z.object({ users: z.record(z.string(), z.array(permission)).optional(), groups: z.record(z.string(), z.array(permission)).optional() }),
);

/** GeoNode 4's compact perm_spec (`organizations` holds groups, `groups` the anonymous entry). */
export const COMPACT_PERM_SPEC = schemaComponent(
  "CompactPermSpec",
  z.object({ users: z.array(compactEntry).optional(), organizations: z.array(compactEntry).optional(), groups: z.array(compactEntry).optional() }),
);

/** Either shape: a write answers in the one it was sent in, unless `?format=` says otherwise. */
export const PERM_SPEC = schemaComponent("PermSpec", z.union([EXTENDED_PERM_SPEC, COMPACT_PERM_SPEC]));
