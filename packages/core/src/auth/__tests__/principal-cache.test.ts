import { jest } from "@jest/globals";
import { changingPrincipals, invalidatePrincipals, PrincipalCache } from "../principal-cache.js";
import type { UserPrincipal } from "../principal.js";

const alice: UserPrincipal = { kind: "user", id: 1, username: "alice", isSuperuser: false, organisations: [{ organisationId: 3, role: "member" }], groupIds: [7], scopes: [] };

function counting(result: UserPrincipal | null = alice) {
  const load = jest.fn(async () => result);
  return load;
}

describe("PrincipalCache", () => {
  afterEach(() => jest.useRealTimers());

  it("reuses a verified key's principal within the TTL, per key", async () => {
    const cache = new PrincipalCache({ ttlMs: 5000 });
    const load = counting();
    expect(await cache.get("key-a", load)).toEqual(alice);
    expect(await cache.get("key-a", load)).toEqual(alice);
    expect(load).toHaveBeenCalledTimes(1);
    await cache.get("key-b", load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("loads again once the entry has expired", async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const cache = new PrincipalCache({ ttlMs: 5000 });
    const load = counting();
    await cache.get("key", load);
    jest.setSystemTime(1_004_999);
    await cache.get("key", load);
    expect(load).toHaveBeenCalledTimes(1);
    jest.setSystemTime(1_005_001);
    await cache.get("key", load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("never caches a failed verification (unknown or revoked key)", async () => {
    const cache = new PrincipalCache({ ttlMs: 5000 });
    const load = counting(null);
    expect(await cache.get("bad", load)).toBeNull();
    expect(await cache.get("bad", load)).toBeNull();
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("drops every entry when principals are invalidated, also through changingPrincipals", async () => {
    const cache = new PrincipalCache({ ttlMs: 5000 });
    const load = counting();
    await cache.get("key", load);
    invalidatePrincipals();
    await cache.get("key", load);
    expect(load).toHaveBeenCalledTimes(2);
    await changingPrincipals(Promise.resolve("written"));
    await cache.get("key", load);
    expect(load).toHaveBeenCalledTimes(3);
    await expect(changingPrincipals(Promise.reject(new Error("failed write")))).rejects.toThrow("failed write");
    await cache.get("key", load);
    expect(load).toHaveBeenCalledTimes(4);
  });

  it("does not keep a principal read while an invalidation happened (it may predate the change)", async () => {
    const cache = new PrincipalCache({ ttlMs: 5000 });
    let release!: () => void;
    const slow = jest.fn(() => new Promise<UserPrincipal>((resolve) => (release = () => resolve(alice))));
    const pending = cache.get("key", slow);
    invalidatePrincipals();
    release();
    await pending;
    const load = counting();
    await cache.get("key", load);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("hands out frozen principals, since concurrent requests share them", async () => {
    const cache = new PrincipalCache({ ttlMs: 5000 });
    const principal = (await cache.get("key", counting()))!;
    expect(Object.isFrozen(principal)).toBe(true);
    expect(() => principal.groupIds.push(8)).toThrow(TypeError);
    expect(() => (principal.organisations[0]!.role = "admin")).toThrow(TypeError);
    expect(alice.groupIds).toEqual([7]);
  });

  it("with a TTL of 0 always loads", async () => {
    const cache = new PrincipalCache({ ttlMs: 0 });
    const load = counting();
    await cache.get("key", load);
    await cache.get("key", load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("stays bounded: when full, expired entries go first, then everything", async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const cache = new PrincipalCache({ ttlMs: 1000, maxEntries: 2 });
    const load = counting();
    await cache.get("a", load);
    jest.setSystemTime(1_000_500);
    await cache.get("b", load);
    jest.setSystemTime(1_001_200); // "a" expired, "b" not
    await cache.get("c", load); // evicts "a" only
    await cache.get("b", load);
    expect(load).toHaveBeenCalledTimes(3);
  });
});
