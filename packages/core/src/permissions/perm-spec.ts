import { RESOURCE_ACTIONS, type ResourceAction } from "../access/ability.js";

/**
 * GeoNode's perm_spec vocabulary: long permission names, the compact levels
 * of GeoNode 4 and the two JSON shapes. Pure data and conversions; no I/O.
 */

/** GeoNode's permission name for each of our short action names. */
export const GEONODE_PERMISSION: Readonly<Record<ResourceAction, string>> = {
  view: "view_resourcebase",
  download: "download_resourcebase",
  change: "change_resourcebase",
  change_metadata: "change_resourcebase_metadata",
  delete: "delete_resourcebase",
  change_permissions: "change_resourcebase_permissions",
  publish: "publish_resourcebase",
};

const BY_NAME = new Map<string, ResourceAction>(
  RESOURCE_ACTIONS.flatMap((action) => [
    [GEONODE_PERMISSION[action], action],
    [action, action],
  ]),
);

/** Our action for a permission given by GeoNode name or short name, or undefined. */
export function actionForPermission(name: string): ResourceAction | undefined {
  return BY_NAME.get(name);
}

/** GeoNode 4's compact permission levels. */
export const COMPACT_LEVELS = ["none", "view", "download", "edit", "manage", "owner"] as const;
export type CompactLevel = (typeof COMPACT_LEVELS)[number];

/**
 * What each compact level grants, as GeoNode 4 expands it for downloadable
 * resources (`_to_extended_perms`): edit adds only `change`; `change_metadata`,
 * `delete`, `change_permissions` and `publish` come with manage.
 */
export const LEVEL_ACTIONS: Readonly<Record<CompactLevel, readonly ResourceAction[]>> = {
  none: [],
  view: ["view"],
  download: ["view", "download"],
  edit: ["view", "download", "change"],
  manage: RESOURCE_ACTIONS,
  owner: RESOURCE_ACTIONS,
};

const MANAGE_ONLY: readonly ResourceAction[] = ["change_metadata", "delete", "change_permissions", "publish"];

/** The compact level of a set of actions, as GeoNode's `_to_compact_perms` reads it. */
export function compactLevel(actions: readonly ResourceAction[], isOwner = false): CompactLevel {
  if (isOwner) return "owner";
  if (actions.some((a) => MANAGE_ONLY.includes(a))) return "manage";
  if (actions.includes("change")) return "edit";
  if (actions.includes("download")) return "download";
  if (actions.includes("view")) return "view";
  return "none";
}

/** Actions anyone (the `AnonymousUser`) may be granted: the world never gets write access. */
export const ANONYMOUS_ACTIONS: readonly ResourceAction[] = ["view", "download"];

/** GeoNode's name of the anonymous user (extended shape) and group (compact shape). */
export const ANONYMOUS_USER = "AnonymousUser";
export const ANONYMOUS_GROUP = "anonymous";

/** Who a grant is for, resolved against the database. */
export type GrantSubjectRef = { type: "user"; id: number; username: string } | { type: "group"; id: number; name: string } | { type: "anonymous" };

/** One subject and the actions it holds on a resource. */
export interface SubjectActions {
  subject: GrantSubjectRef;
  actions: ResourceAction[];
}

/** GeoNode's extended perm_spec: `{ users: { name: [perm…] }, groups: { name: [perm…] } }`. */
export interface ExtendedPermSpec {
  users: Record<string, string[]>;
  groups: Record<string, string[]>;
}

/** One entry of GeoNode 4's compact perm_spec. */
export interface CompactEntry {
  id?: number;
  username?: string;
  name?: string;
  permissions: CompactLevel;
}

/** GeoNode 4's compact perm_spec. `organizations` holds groups; `groups` the anonymous entry. */
export interface CompactPermSpec {
  users: CompactEntry[];
  organizations: CompactEntry[];
  groups: CompactEntry[];
}

function ordered(actions: Iterable<ResourceAction>): ResourceAction[] {
  const set = new Set(actions);
  return RESOURCE_ACTIONS.filter((a) => set.has(a));
}

/** Renders subjects in the extended shape, permissions in GeoNode's long names and a fixed order. */
export function toExtended(entries: readonly SubjectActions[]): ExtendedPermSpec {
  const spec: ExtendedPermSpec = { users: {}, groups: {} };
  for (const { subject, actions } of entries) {
    const names = ordered(actions).map((a) => GEONODE_PERMISSION[a]);
    if (subject.type === "user") spec.users[subject.username] = names;
    else if (subject.type === "group") spec.groups[subject.name] = names;
    else spec.users[ANONYMOUS_USER] = names;
  }
  return spec;
}

/**
 * Renders subjects in the compact shape. Like GeoNode, the anonymous entry is
 * always present (level `none` when nothing is granted) and the owner reads `owner`.
 */
export function toCompact(entries: readonly SubjectActions[], ownerId: number | null): CompactPermSpec {
  const spec: CompactPermSpec = { users: [], organizations: [], groups: [] };
  let anonymous: CompactLevel = "none";
  for (const { subject, actions } of entries) {
    if (subject.type === "user") spec.users.push({ id: subject.id, username: subject.username, permissions: compactLevel(actions, subject.id === ownerId) });
    else if (subject.type === "group") spec.organizations.push({ id: subject.id, name: subject.name, permissions: compactLevel(actions) });
    else anonymous = compactLevel(actions);
  }
  spec.groups.push({ name: ANONYMOUS_GROUP, permissions: anonymous });
  return spec;
}

/** Merges entries for the same subject (union of actions), keeping first-seen order. */
export function mergeSubjects(entries: readonly SubjectActions[]): SubjectActions[] {
  const byKey = new Map<string, SubjectActions>();
  for (const entry of entries) {
    const key = subjectKey(entry.subject);
    const seen = byKey.get(key);
    if (seen) seen.actions = ordered([...seen.actions, ...entry.actions]);
    else byKey.set(key, { subject: entry.subject, actions: ordered(entry.actions) });
  }
  return [...byKey.values()];
}

/** A stable identity of a subject: `user:3`, `group:7`, `anonymous`. */
export function subjectKey(subject: GrantSubjectRef): string {
  return subject.type === "anonymous" ? "anonymous" : `${subject.type}:${subject.id}`;
}
