import { type Prisma, type RequestedGrant, UnrecoverableError } from "@assets/core";

/**
 * Writes the grants of an upload form's `permissions` (perm_spec) on the new resource, in the
 * commit's transaction. A user or group named there that does not exist rejects the upload.
 */
export async function applyFormGrants(tx: Prisma.TransactionClient, resourceId: number, grants: readonly RequestedGrant[]): Promise<void> {
  const rows: Prisma.PermissionGrantCreateManyInput[] = [];
  for (const { subject, actions } of grants) {
    let subjectColumns: Pick<Prisma.PermissionGrantCreateManyInput, "subject_type" | "user_id" | "group_id">;
    if (subject.type === "anonymous") subjectColumns = { subject_type: "anonymous" };
    else if (subject.type === "user") {
      const user = await tx.user.findUnique({ where: "id" in subject ? { id: subject.id } : { username: subject.username }, select: { id: true } });
      if (!user) throw new UnrecoverableError(`permissions: no user ${"id" in subject ? subject.id : `'${subject.username}'`}`);
      subjectColumns = { subject_type: "user", user_id: user.id };
    } else {
      const group = await tx.group.findUnique({ where: "id" in subject ? { id: subject.id } : { name: subject.name }, select: { id: true } });
      if (!group) throw new UnrecoverableError(`permissions: no group ${"id" in subject ? subject.id : `'${subject.name}'`}`);
      subjectColumns = { subject_type: "group", group_id: group.id };
    }
    for (const permission of actions) rows.push({ resource_id: resourceId, ...subjectColumns, permission });
  }
  if (rows.length > 0) await tx.permissionGrant.createMany({ data: rows, skipDuplicates: true });
}
