import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../db/open-database.js";

/** A freshly made key: `secret` is shown once and never stored. */
export interface IssuedApiKey {
  id: number;
  prefix: string;
  secret: string;
}

const KEY_PATTERN = /^ak_([A-Za-z0-9]{10})\.([A-Za-z0-9_-]{32,})$/;

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

/** The key row behind a presented key, or null when it is unknown, wrong or revoked. */
export async function verifyApiKey(db: Db, presented: string) {
  const match = KEY_PATTERN.exec(presented);
  if (!match) return null;
  const [, prefix, secret] = match as unknown as [string, string, string];
  const row = await db.apiKey.findUnique({ where: { prefix } });
  if (!row || row.revoked_at) return null;
  const expected = Buffer.from(row.secret_hash, "hex");
  const actual = Buffer.from(hashSecret(secret), "hex");
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  // Touch last_used_at at most once a minute: a write per request would dominate read traffic.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db.apiKey.update({ where: { id: row.id }, data: { last_used_at: new Date() } });
  }
  return row;
}
