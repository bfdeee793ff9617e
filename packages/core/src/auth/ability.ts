import { AbilityBuilder, type Ability } from "@casl/ability";
import { createPrismaAbility, type PrismaQueryFactory, type Subjects } from "@casl/prisma/runtime";
import type { Prisma, Resource, Upload } from "../generated/prisma/client.js";
import type { Principal } from "./principal.js";

/** What can be done to a resource (GeoNode's permission set, in short names). */
export const RESOURCE_ACTIONS = ["view", "download", "change", "change_metadata", "delete", "change_permissions", "publish"] as const;
export type ResourceAction = (typeof RESOURCE_ACTIONS)[number];
export type Action = ResourceAction | "create" | "manage";

type AppSubjects = Subjects<{ Resource: Resource; Upload: Upload }> | "all";
type AppQuery = PrismaQueryFactory<Prisma.TypeMap>;
/** The per-request CASL ability. */
export type AppAbility = Ability<[Action, AppSubjects], AppQuery>;

const READ_ACTIONS: ResourceAction[] = ["view", "download"];
const EDIT_ACTIONS: ResourceAction[] = ["view", "download", "change", "change_metadata", "publish"];
const VISIBLE_TO_MEMBERS = ["Public", "Common", "Private"] as const;

/**
 * Builds the caller's ability. Every rule is a Prisma condition, so lists and
 * reads apply it inside SQL (`accessibleBy`), never after fetching.
 *
 * - Public: anyone may view and download; Common: any signed-in user;
 * - Private: members of the resource's organisation and grantees;
 * - Hidden: owners, organisation admins and grantees only;
 * - organisation editors change what their organisation can see; admins and owners manage;
 * - explicit grants (to the user, their groups, or anyone) add single actions;
 * - a read-scoped key keeps only view and download.
 */
export function defineAbilityFor(principal: Principal): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createPrismaAbility);
  const anonymousGrant = (action: ResourceAction): Prisma.PermissionGrantWhereInput => ({ permission: action, subject_type: "anonymous" });

  if (principal.kind === "anonymous") {
    can(READ_ACTIONS, "Resource", { access_modifier: "Public" });
    for (const action of READ_ACTIONS) can(action, "Resource", { grants: { some: anonymousGrant(action) } });
    return build();
  }

  const readOnly = principal.scopes.includes("read");
  const allowed = (actions: readonly ResourceAction[]) => (readOnly ? actions.filter((a) => READ_ACTIONS.includes(a)) : [...actions]);

  if (principal.isSuperuser) {
    can(readOnly ? READ_ACTIONS : "manage", "all");
    return build();
  }

  const orgIds = (minimum: "member" | "editor" | "admin") =>
    principal.organisations
      .filter((m) => (minimum === "member" ? true : minimum === "editor" ? m.role !== "member" : m.role === "admin"))
      .map((m) => m.organisationId);

  can(READ_ACTIONS, "Resource", { access_modifier: { in: ["Public", "Common"] } });
  // Rules with an empty organisation list would only add dead `IN ()` branches to every query.
  const members = orgIds("member");
  const editors = orgIds("editor");
  const admins = orgIds("admin");
  if (members.length) can(READ_ACTIONS, "Resource", { organisation_id: { in: members }, access_modifier: { in: [...VISIBLE_TO_MEMBERS] } });
  if (editors.length) can(allowed(EDIT_ACTIONS), "Resource", { organisation_id: { in: editors }, access_modifier: { in: [...VISIBLE_TO_MEMBERS] } });
  if (admins.length) can(allowed(RESOURCE_ACTIONS), "Resource", { organisation_id: { in: admins } });
  can(allowed(RESOURCE_ACTIONS), "Resource", { owner_id: principal.id });
  for (const action of allowed(RESOURCE_ACTIONS)) {
    const grantees: Prisma.PermissionGrantWhereInput[] = [{ subject_type: "user", user_id: principal.id }, { subject_type: "anonymous" }];
    if (principal.groupIds.length > 0) grantees.push({ subject_type: "group", group_id: { in: principal.groupIds } });
    can(action, "Resource", { grants: { some: { permission: action, OR: grantees } } });
  }
  if (!readOnly) can("create", "Resource");

  // Uploads: the uploader always sees their own; everyone else inherits from the resource.
  can(allowed(RESOURCE_ACTIONS), "Upload", { uploader_id: principal.id });
  if (!readOnly) can("create", "Upload");
  return build();
}
