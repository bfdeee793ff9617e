import type { Db } from "../db/open-database.js";
import { Errors, type AppErrorOptions } from "../errors/index.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { AppAbility, ResourceAction } from "./ability.js";
import { accessibleResources, accessibleUploads } from "./accessible.js";

/** The subjects that carry object permissions, with the Prisma filter type of each. */
export interface AccessSubjects {
  Resource: Prisma.ResourceWhereInput;
  Upload: Prisma.UploadWhereInput;
}
/** `"Resource"` or `"Upload"`. */
export type AccessSubject = keyof AccessSubjects;

/** How one subject's permissions become queries. */
interface SubjectAccess<W> {
  filter(ability: AppAbility, action: ResourceAction): W;
  count(db: Db, where: W): Promise<number>;
  /** Every part must hold. */
  all(parts: W[]): W;
}
type SubjectTable = { [S in AccessSubject]: SubjectAccess<AccessSubjects[S]> };

const SUBJECTS: SubjectTable = {
  Resource: { filter: accessibleResources, count: (db, where) => db.resource.count({ where }), all: (parts) => ({ AND: parts }) },
  Upload: { filter: accessibleUploads, count: (db, where) => db.upload.count({ where }), all: (parts) => ({ AND: parts }) },
};

/** The rows of `subject` on which the ability allows `action`, as a Prisma filter (CASL's `accessibleBy`). */
export function accessibleBy<S extends AccessSubject>(ability: AppAbility, action: ResourceAction, subject: S): AccessSubjects[S] {
  const access: SubjectAccess<AccessSubjects[S]> = SUBJECTS[subject];
  return access.filter(ability, action);
}

/** What `authorize` says when it refuses: the 404's and the 403's detail (or full options). */
export interface AuthorizeMessages {
  notFound: string | AppErrorOptions;
  forbidden: string | AppErrorOptions;
}

/** The caller as `authorize` needs it: their ability and the database. */
export interface AuthorizeContext {
  db: Db;
  ability: AppAbility;
}

/**
 * The one permission check on a single object: loads it with the caller's
 * `view` filter inside the query, so an object the caller may not read is a
 * 404 (its existence is not revealed), then a readable object on which
 * `action` is not allowed is a 403.
 *
 * `key` names the object (e.g. `{ id }` or `{ uuid, type }`); `find` runs the
 * read with the `where` it is given (its own `include`/`select`), and the
 * loaded row's `id` is what the action is checked on.
 */
export async function authorize<S extends AccessSubject, T extends { id: number }>(
  ctx: AuthorizeContext,
  subject: S,
  key: AccessSubjects[S],
  action: ResourceAction,
  find: (where: AccessSubjects[S]) => Promise<T | null>,
  messages: AuthorizeMessages,
): Promise<T> {
  const access: SubjectAccess<AccessSubjects[S]> = SUBJECTS[subject];
  const row = await find(access.all([key, access.filter(ctx.ability, "view")]));
  if (!row) throw Errors.NOT_FOUND(messages.notFound);
  if (action !== "view" && !(await allows(ctx, subject, action, row.id))) throw Errors.FORBIDDEN(messages.forbidden);
  return row;
}

/** Whether the caller may do `action` on the object with this id, decided by the database. */
export async function allows<S extends AccessSubject>(ctx: AuthorizeContext, subject: S, action: ResourceAction, id: number): Promise<boolean> {
  const access: SubjectAccess<AccessSubjects[S]> = SUBJECTS[subject];
  const byId: AccessSubjects[S] = { id };
  return (await access.count(ctx.db, access.all([byId, access.filter(ctx.ability, action)]))) > 0;
}
