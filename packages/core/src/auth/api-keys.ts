import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../db/open-database.js";

/** A freshly made key: `secret` is shown once and never stored. */
export interface IssuedApiKey {
  id: number;
  prefix: string;
  secret: string;
}

const KEY_PATTERN = /^ak_([A-Za-z0-9]{10})\.([A-Za-z0-9_-]{32,})$/;

/** The stored form of a key's secret. */
function hashSecret(secret: string): string {
  // Keys carry 192 random bits, so a fast hash is enough; no password stretching needed.
  return createHash("sha256").update(secret).digest("hex");
}

/** Creates a key for a user; the full key is `ak_<prefix>.<secret>`. */
export async function issueApiKey(db: Db, userId: number, options: { name?: string; scopes?: string[] } = {}): Promise<IssuedApiKey> {
  const prefix = randomBytes(16).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, 10).padEnd(10, "0");
  const secret = randomBytes(24).toString("base64url");
  const row = await db.apiKey.create({
    data: { prefix, secret_hash: hashSecret(secret), user_id: userId, name: options.name ?? "", scopes: options.scopes ?? [] },
  });
  return { id: row.id, prefix, secret: `ak_${prefix}.${secret}` };
}

/** A presented key split into its public prefix and its secret, or null when it is malformed. */
export function parseApiKey(presented: string): { prefix: string; secret: string } | null {
  const match = KEY_PATTERN.exec(presented);
  return match ? { prefix: match[1]!, secret: match[2]! } : null;
}

/** True when `secret` is the one whose hash is stored (`secret_hash`), compared in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, "hex");
  const actual = Buffer.from(hashSecret(secret), "hex");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
