import { AbilityBuilder, type Ability } from "@casl/ability";
import { createPrismaAbility, type PrismaQueryFactory, type Subjects } from "@casl/prisma/runtime";
import type { Prisma, Resource, Role, Upload } from "../generated/prisma/client.js";
import type { Principal } from "../auth/principal.js";

/** What can be done to a resource (GeoNode's permission set, in short names). */
export const RESOURCE_ACTIONS = ["view", "download", "change", "change_metadata", "delete", "change_permissions", "publish"] as const;
export type ResourceAction = (typeof RESOURCE_ACTIONS)[number];
export type Action = ResourceAction | "create" | "manage";

type AppSubjects = Subjects<{ Resource: Resource; Upload: Upload }> | "all";
type AppQuery = PrismaQueryFactory<Prisma.TypeMap>;
/** The per-request CASL ability. */
export type AppAbility = Ability<[Action, AppSubjects], AppQuery>;

const READ_ACTIONS: ResourceAction[] = ["view", "download"];
/** Actions an organisation editor adds to view and download. */
const EDITOR_ACTIONS: ResourceAction[] = ["change", "change_metadata", "publish"];
const VISIBLE_TO_MEMBERS = ["Public", "Common", "Private"] as const;

/** The actions explicit grants can give this caller: anyone and read-scoped keys only view and download. */
export function grantableActions(principal: Principal): ResourceAction[] {
  return principal.kind === "anonymous" || principal.scopes.includes("read") ? [...READ_ACTIONS] : [...RESOURCE_ACTIONS];
}

/**
 * The keys under which a grant of `action` reaches this caller, as the
 * `grant_keys` column of a resource spells them: grants to anyone, and for a
 * user also to them and to each of their groups.
 */
export function grantKeys(principal: Principal, action: ResourceAction): string[] {
  const keys = [`${action}:anyone`];
  if (principal.kind === "user") {
    keys.push(`${action}:user:${principal.id}`);
    for (const groupId of principal.groupIds) keys.push(`${action}:group:${groupId}`);
  }
  return keys;
}

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
 *
 * Organisation rules are exact and do not overlap (each organisation appears
 * in one rule per action, with only the modifiers no broader rule covers), so
 * the SQL OR stays short and each arm maps onto one index. Grants are tested on
 * the resource row (`grant_keys && ARRAY[...]`, a handful of keys whatever the
 * number of grants), so the whole filter is one statement and one snapshot.
 */
export function defineAbilityFor(principal: Principal): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createPrismaAbility);
  const grantRules = () => {
    for (const action of grantableActions(principal)) can(action, "Resource", { grant_keys: { hasSome: grantKeys(principal, action) } });
  };

  // CASL lists later rules first in the SQL OR: the broad modifier rules go last so that PostgreSQL,
  // testing the OR row by row, settles most rows on its first arm.
  if (principal.kind === "anonymous") {
    grantRules();
    can(READ_ACTIONS, "Resource", { access_modifier: "Public" });
    return build();
  }

  const readOnly = principal.scopes.includes("read");
  const allowed = (actions: readonly ResourceAction[]) => (readOnly ? actions.filter((a) => READ_ACTIONS.includes(a)) : [...actions]);

  if (principal.isSuperuser) {
    can(readOnly ? READ_ACTIONS : "manage", "all");
    return build();
  }

  const orgIds = (...roles: Role[]) => principal.organisations.filter((m) => roles.includes(m.role)).map((m) => m.organisationId);
  const viewers = orgIds("member", "editor");
  const editors = orgIds("editor");
  const admins = orgIds("admin");

  // Rules with an empty organisation list would only add dead `IN ()` branches to every query.
  if (viewers.length) can(READ_ACTIONS, "Resource", { organisation_id: { in: viewers }, access_modifier: "Private" });
  const editing = allowed(EDITOR_ACTIONS);
  if (editors.length && editing.length) can(editing, "Resource", { organisation_id: { in: editors }, access_modifier: { in: [...VISIBLE_TO_MEMBERS] } });
  if (admins.length) can(allowed(RESOURCE_ACTIONS), "Resource", { organisation_id: { in: admins } });
  can(allowed(RESOURCE_ACTIONS), "Resource", { owner_id: principal.id });
  grantRules();
  can(READ_ACTIONS, "Resource", { access_modifier: { in: ["Public", "Common"] } });
  if (!readOnly) can("create", "Resource");

  // Uploads: the uploader always sees their own; everyone else inherits from the resource.
  can(allowed(RESOURCE_ACTIONS), "Upload", { uploader_id: principal.id });
  if (!readOnly) can("create", "Upload");
  return build();
}
