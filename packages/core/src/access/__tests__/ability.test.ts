import { defineAbilityFor, RESOURCE_ACTIONS } from "../ability.js";
import { accessibleResources, decideOnRows } from "../accessible.js";
import type { Resource } from "../../generated/prisma/client.js";
import type { Principal, UserPrincipal } from "../../auth/principal.js";

type Arm = Record<string, unknown>;

function arms(principal: Principal, action: (typeof RESOURCE_ACTIONS)[number]): Arm[] {
  const where = accessibleResources(defineAbilityFor(principal), action) as { OR?: Arm[] };
  return where.OR ?? [where as Arm];
}

/** How often each organisation id is named across the arms of one action's filter. */
function organisationMentions(list: Arm[]): Map<number, number> {
  const seen = new Map<number, number>();
  for (const arm of list) {
    const ids = (arm.organisation_id as { in?: number[] } | undefined)?.in ?? [];
    for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  return seen;
}

const user = (overrides: Partial<UserPrincipal>): UserPrincipal => ({
  kind: "user",
  id: 5,
  username: "u",
  isSuperuser: false,
  scopes: [],
  groupIds: [3],
  organisations: [
    { organisationId: 7, role: "admin" },
    { organisationId: 8, role: "editor" },
    { organisationId: 9, role: "member" },
  ],
  ...overrides,
});

describe("defineAbilityFor: the SQL filter it produces", () => {
  it("names each organisation at most once per action, whatever the caller's role there", () => {
    for (const action of RESOURCE_ACTIONS) {
      for (const [id, times] of organisationMentions(arms(user({}), action))) expect({ action, id, times }).toEqual({ action, id, times: 1 });
    }
  });

  it("gives members and editors only Private through their organisation: Public and Common are everyone's", () => {
    expect(arms(user({}), "view")).toEqual(
      expect.arrayContaining([
        { access_modifier: { in: ["Public", "Common"] } },
        { organisation_id: { in: [8, 9] }, access_modifier: "Private" },
        { organisation_id: { in: [7] } },
      ]),
    );
  });

  it("lets editors change what their organisation can see, admins everything, members nothing", () => {
    const change = arms(user({}), "change");
    expect(change).toEqual(expect.arrayContaining([{ organisation_id: { in: [8] }, access_modifier: { in: ["Public", "Common", "Private"] } }, { organisation_id: { in: [7] } }]));
    expect(organisationMentions(change).has(9)).toBe(false);
    expect(organisationMentions(arms(user({}), "delete"))).toEqual(new Map([[7, 1]]));
  });

  it("tests grants through the row's grant keys: to the user, each of their groups, and anyone", () => {
    expect(arms(user({ groupIds: [3, 4] }), "change")).toContainEqual({ grant_keys: { hasSome: ["change:anyone", "change:user:5", "change:group:3", "change:group:4"] } });
    expect(arms(user({ groupIds: [] }), "delete")).toContainEqual({ grant_keys: { hasSome: ["delete:anyone", "delete:user:5"] } });
    expect(JSON.stringify(arms(user({}), "view"))).not.toContain('"grants"');
  });

  it("gives anonymous callers grants to anyone, for view and download only", () => {
    expect(arms({ kind: "anonymous" }, "view")).toEqual([{ access_modifier: "Public" }, { grant_keys: { hasSome: ["view:anyone"] } }]);
    expect(arms({ kind: "anonymous" }, "download")).toEqual([{ access_modifier: "Public" }, { grant_keys: { hasSome: ["download:anyone"] } }]);
    expect(accessibleResources(defineAbilityFor({ kind: "anonymous" }), "change")).toEqual({ id: { in: [] } });
  });

  it("keeps only view and download for a read-scoped key", () => {
    const principal = user({ scopes: ["read"] });
    for (const action of ["change", "change_metadata", "delete", "change_permissions", "publish"] as const) {
      expect(accessibleResources(defineAbilityFor(principal), action)).toEqual({ id: { in: [] } });
    }
    expect(arms(principal, "view")).toContainEqual({ organisation_id: { in: [7] } });
    expect(arms(principal, "view")).toContainEqual({ grant_keys: { hasSome: ["view:anyone", "view:user:5", "view:group:3"] } });
  });

  describe("decideOnRows", () => {
    const row = (id: number, organisation_id: number | null, access_modifier: Resource["access_modifier"], owner_id: number | null = null, grant_keys: string[] = []) =>
      ({ id, organisation_id, access_modifier, owner_id, grant_keys }) as Resource;
    const rows = [
      row(1, 8, "Private"),
      row(2, 8, "Hidden"),
      row(3, 7, "Hidden"),
      row(4, 9, "Public"),
      row(5, null, "Private", 5),
      row(6, null, "Private", null, ["view:user:5", "change:user:6"]),
      row(100, 9, "Private", null, ["change:group:3"]),
      row(101, 9, "Hidden", null, ["change:anyone"]),
    ];
    const sorted = (ids: Set<number> | null) => [...(ids ?? [])].sort((a, b) => a - b);

    it("decides on the rows' own columns, grant keys included", () => {
      expect(sorted(decideOnRows(defineAbilityFor(user({})), "change", rows))).toEqual([1, 3, 5, 100, 101]);
      expect(sorted(decideOnRows(defineAbilityFor(user({ groupIds: [] })), "change", rows))).toEqual([1, 3, 5, 101]);
      expect(sorted(decideOnRows(defineAbilityFor(user({ organisations: [] })), "view", rows))).toEqual([4, 5, 6]);
    });

    it("needs no rule checks for a superuser, and allows nothing for anonymous callers", () => {
      expect(decideOnRows(defineAbilityFor(user({ isSuperuser: true })), "delete", rows)?.size).toBe(rows.length);
      expect(decideOnRows(defineAbilityFor({ kind: "anonymous" }), "change", rows)?.size).toBe(0);
    });
  });
});
