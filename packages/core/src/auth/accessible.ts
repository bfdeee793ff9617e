import { accessibleBy } from "@casl/prisma/runtime";
import type { Prisma } from "../generated/prisma/client.js";
import type { AppAbility, ResourceAction } from "./ability.js";

// CASL writes "no rule allows this" as `{ OR: [] }`, which Prisma reads as TRUE when nested
// in AND (prisma/prisma#17367). `id IN ()` is FALSE everywhere.
function denyEmpty<T extends object>(where: T): T {
  const or = (where as { OR?: unknown[] }).OR;
  return Array.isArray(or) && or.length === 0 && Object.keys(where).length === 1 ? ({ id: { in: [] } } as T) : where;
}

/** The rows of `Resource` the ability allows `action` on, as a Prisma filter. */
export function accessibleResources(ability: AppAbility, action: ResourceAction): Prisma.ResourceWhereInput {
  return denyEmpty(accessibleBy(ability, action).ofType("Resource"));
}

/** Uploads inherit their resource's permissions; uploaders always reach their own. */
export function accessibleUploads(ability: AppAbility, action: ResourceAction): Prisma.UploadWhereInput {
  const own = denyEmpty(accessibleBy(ability, action).ofType("Upload"));
  // Prisma reads `{}` inside OR as FALSE rather than TRUE, so "everything" must stay a bare `{}`.
  if (Object.keys(own).length === 0) return own;
  return { OR: [own, { resource: { is: accessibleResources(ability, action) } }] };
}
