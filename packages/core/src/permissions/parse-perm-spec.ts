import type { ResourceAction } from "../access/ability.js";
import { Errors } from "../errors/index.js";
import { ANONYMOUS_ACTIONS, ANONYMOUS_GROUP, ANONYMOUS_USER, COMPACT_LEVELS, LEVEL_ACTIONS, actionForPermission, type CompactLevel } from "./perm-spec.js";

/** A subject as the request names it, before it is looked up in the database. */
export type SubjectName =
  | { type: "user"; username: string }
  | { type: "user"; id: number }
  | { type: "group"; name: string }
  | { type: "group"; id: number }
  | { type: "anonymous" };

/** One subject's requested actions, with the JSON pointer errors about it should name. */
export interface RequestedGrant {
  subject: SubjectName;
  actions: ResourceAction[];
  /** Points at the subject (its key, or its `id`/`name` member) in the request body. */
  pointer: string;
}

/** JSON pointer segment escaping (RFC 6901). */
export function pointerSegment(raw: string | number): string {
  return String(raw).replace(/~/g, "~0").replace(/\//g, "~1");
}

function invalid(pointer: string, detail: string) {
  return Errors.INVALID_BODY({ detail, source: { pointer } });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkAnonymous(subject: SubjectName, actions: readonly ResourceAction[], pointer: string) {
  if (subject.type !== "anonymous") return;
  const extra = actions.find((a) => !ANONYMOUS_ACTIONS.includes(a));
  if (extra) throw invalid(pointer, `Anyone (${ANONYMOUS_USER}) may only be granted view and download, not '${extra}'`);
}

function parseExtendedSection(section: unknown, kind: "users" | "groups"): RequestedGrant[] {
  if (section === undefined) return [];
  if (!isObject(section)) throw invalid(`/${kind}`, `'${kind}' must map ${kind === "users" ? "usernames" : "group names"} to permission lists`);
  return Object.entries(section).map(([name, perms]) => {
    const pointer = `/${kind}/${pointerSegment(name)}`;
    if (!Array.isArray(perms)) throw invalid(pointer, `Permissions of '${name}' must be a list`);
    const actions = perms.map((perm, index) => {
      const action = typeof perm === "string" ? actionForPermission(perm) : undefined;
      if (!action) throw invalid(`${pointer}/${index}`, `Unknown permission '${String(perm)}'`);
      return action;
    });
    const anonymous = kind === "users" ? name === ANONYMOUS_USER : name === ANONYMOUS_GROUP;
    const subject: SubjectName = anonymous ? { type: "anonymous" } : kind === "users" ? { type: "user", username: name } : { type: "group", name };
    checkAnonymous(subject, actions, pointer);
    return { subject, actions, pointer };
  });
}

function parseCompactEntry(entry: unknown, kind: "users" | "organizations" | "groups", index: number): RequestedGrant {
  const base = `/${kind}/${index}`;
  if (!isObject(entry)) throw invalid(base, "Expected an object with 'id' and 'permissions'");
  const level = entry.permissions;
  if (typeof level !== "string" || !(COMPACT_LEVELS as readonly string[]).includes(level)) {
    throw invalid(`${base}/permissions`, `Unknown permission level '${String(level)}'; allowed: ${COMPACT_LEVELS.join(", ")}`);
  }
  const actions = [...LEVEL_ACTIONS[level as CompactLevel]];
  const { id, name, username } = entry;
  let subject: SubjectName;
  let pointer: string;
  if (kind !== "users" && name === ANONYMOUS_GROUP) {
    subject = { type: "anonymous" };
    pointer = `${base}/name`;
  } else if (Number.isInteger(id)) {
    subject = kind === "users" ? { type: "user", id: id as number } : { type: "group", id: id as number };
    pointer = `${base}/id`;
  } else if (kind === "users" && typeof username === "string") {
    subject = { type: "user", username };
    pointer = `${base}/username`;
  } else if (kind !== "users" && typeof name === "string") {
    subject = { type: "group", name };
    pointer = `${base}/name`;
  } else {
    throw invalid(`${base}/id`, `Each entry needs an integer 'id' or a ${kind === "users" ? "'username'" : "'name'"}`);
  }
  checkAnonymous(subject, actions, `${base}/permissions`);
  return { subject, actions, pointer };
}

function parseCompactSection(section: unknown, kind: "users" | "organizations" | "groups"): RequestedGrant[] {
  if (section === undefined) return [];
  if (!Array.isArray(section)) throw invalid(`/${kind}`, `'${kind}' must be a list in the compact form`);
  return section.map((entry, index) => parseCompactEntry(entry, kind, index));
}

/** True when the body is GeoNode 4's compact form (lists) rather than the extended one (maps). */
export function isCompactSpec(body: Record<string, unknown>): boolean {
  return Array.isArray(body.users) || Array.isArray(body.groups) || "organizations" in body;
}

/**
 * Parses a perm_spec body in either GeoNode shape into requested grants.
 * Names are not looked up here; unknown permission names and levels, wrong
 * shapes and write access for anyone are 400s pointing at the offending member.
 */
export function parsePermSpec(body: unknown): RequestedGrant[] {
  if (!isObject(body)) throw invalid("", "Expected a perm_spec object with 'users' and 'groups'");
  const compact = isCompactSpec(body);
  const allowed = compact ? ["users", "organizations", "groups"] : ["users", "groups"];
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown) throw invalid(`/${pointerSegment(unknown)}`, `Unknown member '${unknown}'; allowed: ${allowed.join(", ")}`);
  if (compact) return (["users", "organizations", "groups"] as const).flatMap((kind) => parseCompactSection(body[kind], kind));
  return [...parseExtendedSection(body.users, "users"), ...parseExtendedSection(body.groups, "groups")];
}
