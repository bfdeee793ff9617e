import type { Db } from "../db/open-database.js";
import { Errors } from "../errors/index.js";
import type { RequestedGrant, SubjectName } from "./parse-perm-spec.js";
import { subjectKey, type GrantSubjectRef, type SubjectActions } from "./perm-spec.js";

function describe(name: SubjectName): string {
  if (name.type === "anonymous") return "anyone";
  if ("id" in name) return `${name.type} with id ${name.id}`;
  return name.type === "user" ? `user '${name.username}'` : `group '${name.name}'`;
}

/**
 * Looks up every user and group a perm_spec names, in two queries. An unknown
 * name or id is a 400 pointing at it. When a subject appears twice, the later
 * entry wins, as when setting a level twice in a sharing dialog.
 */
export async function resolveSubjects(db: Db, requested: readonly RequestedGrant[]): Promise<SubjectActions[]> {
  const userIds: number[] = [];
  const usernames: string[] = [];
  const groupIds: number[] = [];
  const groupNames: string[] = [];
  for (const { subject } of requested) {
    if (subject.type === "anonymous") continue;
    if ("id" in subject) (subject.type === "user" ? userIds : groupIds).push(subject.id);
    else if (subject.type === "user") usernames.push(subject.username);
    else groupNames.push(subject.name);
  }
  const [users, groups] = await Promise.all([
    userIds.length + usernames.length === 0
      ? []
      : db.user.findMany({ where: { OR: [{ id: { in: userIds } }, { username: { in: usernames } }] }, select: { id: true, username: true } }),
    groupIds.length + groupNames.length === 0
      ? []
      : db.group.findMany({ where: { OR: [{ id: { in: groupIds } }, { name: { in: groupNames } }] }, select: { id: true, name: true } }),
  ]);

  const resolve = (name: SubjectName): GrantSubjectRef | undefined => {
    if (name.type === "anonymous") return { type: "anonymous" };
    if (name.type === "user") {
      const user = users.find((u) => ("id" in name ? u.id === name.id : u.username === name.username));
      return user && { type: "user", id: user.id, username: user.username };
    }
    const group = groups.find((g) => ("id" in name ? g.id === name.id : g.name === name.name));
    return group && { type: "group", id: group.id, name: group.name };
  };

  const bySubject = new Map<string, SubjectActions>();
  for (const grant of requested) {
    const subject = resolve(grant.subject);
    if (!subject) throw Errors.INVALID_BODY({ detail: `Unknown ${describe(grant.subject)}`, source: { pointer: grant.pointer } });
    const key = subjectKey(subject);
    bySubject.delete(key);
    bySubject.set(key, { subject, actions: [...new Set(grant.actions)] });
  }
  return [...bySubject.values()];
}
