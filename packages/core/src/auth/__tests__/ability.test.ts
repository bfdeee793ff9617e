import { defineAbilityFor, RESOURCE_ACTIONS } from "../ability.js";
import { accessibleResources, decideOnRows } from "../accessible.js";
import type { Resource } from "../../generated/prisma/client.js";
import type { Principal, UserPrincipal } from "../principal.js";

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

  it("writes resolved grants as an id list, drops empty ones, and keeps the grants subquery for unresolved actions", () => {
    const principal = user({ grants: { view: [100, 101], change: [] } });
    expect(arms(principal, "view")).toContainEqual({ id: { in: [100, 101] } });
    expect(JSON.stringify(arms(principal, "change"))).not.toMatch(/"grants"|"id"/);
    expect(JSON.stringify(arms(principal, "delete"))).toContain('"grants"');
  });

  it("reads anonymous grants from the resolved list too", () => {
    expect(arms({ kind: "anonymous", grants: { view: [4], download: [] } }, "view")).toEqual([{ access_modifier: "Public" }, { id: { in: [4] } }]);
    expect(arms({ kind: "anonymous", grants: { view: [4], download: [] } }, "download")).toEqual([{ access_modifier: "Public" }]);
  });

  it("keeps only view and download for a read-scoped key", () => {
    const principal = user({ scopes: ["read"], grants: { view: [1], download: [2] } });
    for (const action of ["change", "change_metadata", "delete", "change_permissions", "publish"] as const) {
      expect(accessibleResources(defineAbilityFor(principal), action)).toEqual({ id: { in: [] } });
    }
    expect(arms(principal, "view")).toContainEqual({ organisation_id: { in: [7] } });
  });

  describe("decideOnRows", () => {
    const row = (id: number, organisation_id: number | null, access_modifier: Resource["access_modifier"], owner_id: number | null = null) =>
      ({ id, organisation_id, access_modifier, owner_id }) as Resource;
    const rows = [row(1, 8, "Private"), row(2, 8, "Hidden"), row(3, 7, "Hidden"), row(4, 9, "Public"), row(5, null, "Private", 5), row(6, null, "Private"), row(100, 9, "Private")];

    it("decides on the rows' own columns once grants are resolved", () => {
      const ability = defineAbilityFor(user({ grants: { change: [100] } }));
      expect([...decideOnRows(ability, "change", rows)!].sort((a, b) => a - b)).toEqual([1, 3, 5, 100]);
      expect([...decideOnRows(defineAbilityFor(user({ grants: { change: [] } })), "change", rows)!].sort((a, b) => a - b)).toEqual([1, 3, 5]);
    });

    it("leaves the decision to the database while a rule still needs the grants table", () => {
      expect(decideOnRows(defineAbilityFor(user({})), "change", rows)).toBeNull();
    });

    it("needs no rule checks for a superuser, and allows nothing for anonymous callers", () => {
      expect(decideOnRows(defineAbilityFor(user({ isSuperuser: true })), "delete", rows)?.size).toBe(rows.length);
      expect(decideOnRows(defineAbilityFor({ kind: "anonymous", grants: { view: [1], download: [] } }), "change", rows)?.size).toBe(0);
    });
  });
});
