import { createHash } from "node:crypto";
import type { UserPrincipal } from "./principal.js";

// Bumped by every in-process change to keys, users or memberships; entries from an older epoch are misses.
let epoch = 0;

/**
 * Drops every cached principal in this process. Call it after a write that
 * changes who a key signs in as or what they belong to (revoked key, user,
 * organisation or group membership) has committed, so the next request reads
 * the database again. Other processes notice only when their entries expire.
 */
export function invalidatePrincipals(): void {
  epoch++;
}

/** Awaits a write that changes keys, users or memberships, then {@link invalidatePrincipals}. */
export async function changingPrincipals<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } finally {
    invalidatePrincipals();
  }
}

interface Entry {
  principal: UserPrincipal;
  expires: number;
  epoch: number;
}

/** Options of {@link PrincipalCache}. */
export interface PrincipalCacheOptions {
  /** How long a verified key's principal is reused, in ms; 0 turns the cache off. */
  ttlMs: number;
  /** At most this many keys are kept; when full, expired entries go first, then everything. */
  maxEntries?: number;
}

/**
 * A short in-process cache of API key → principal (user, organisation roles,
 * groups, key scopes; explicit grants are not part of it, since permission
 * filters read them from the resource rows in every query). Keys are
 * stored as SHA-256 hashes of the presented key, so a hit means the very same
 * key was verified less than `ttlMs` ago.
 */
export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;

  constructor(private readonly options: PrincipalCacheOptions) {
    this.maxEntries = options.maxEntries ?? 10_000;
  }

  /**
   * The cached principal for `presented`, or else the one `load` returns
   * (null: not cached). A load that overlapped an invalidation is not kept.
   */
  async get(presented: string, load: () => Promise<UserPrincipal | null>): Promise<UserPrincipal | null> {
    if (this.options.ttlMs <= 0) return load();
    const id = createHash("sha256").update(presented).digest("base64");
    const now = Date.now();
    const hit = this.entries.get(id);
    if (hit && hit.epoch === epoch && hit.expires > now) return hit.principal;
    const started = epoch;
    const principal = await load();
    if (!principal) {
      this.entries.delete(id);
      return null;
    }
    // Shared by concurrent requests from now on, so nobody may change it.
    const frozen = Object.freeze({ ...principal, organisations: Object.freeze(principal.organisations.map((m) => Object.freeze({ ...m }))), groupIds: Object.freeze([...principal.groupIds]), scopes: Object.freeze([...principal.scopes]) }) as UserPrincipal;
    this.store(id, { principal: frozen, expires: now + this.options.ttlMs, epoch: started });
    return frozen;
  }

  private store(id: string, entry: Entry): void {
    if (this.entries.size >= this.maxEntries) {
      const now = Date.now();
      for (const [key, old] of this.entries) if (old.expires <= now || old.epoch !== epoch) this.entries.delete(key);
      if (this.entries.size >= this.maxEntries) this.entries.clear();
    }
    this.entries.set(id, entry);
  }
}
