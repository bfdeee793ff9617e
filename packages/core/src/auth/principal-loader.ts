import type { Db } from "../db/open-database.js";
import { Prisma, type Role } from "../generated/prisma/client.js";
import { parseApiKey, secretMatches } from "./api-keys.js";
import type { UserPrincipal } from "./principal.js";

/** A user row with its organisation roles and group ids, as the statements below return it. */
interface PrincipalRow {
  id: number;
  username: string;
  is_superuser: boolean;
  organisations: { organisationId: number; role: Role }[] | string;
  group_ids: number[];
}

interface ApiKeyPrincipalRow extends PrincipalRow {
  key_id: number;
  secret_hash: string;
  scopes: string[];
  revoked_at: Date | null;
  last_used_at: Date | null;
}

// The user, their organisation roles and their groups in one statement (a Prisma `include` sends three).
const PRINCIPAL_COLUMNS = Prisma.sql`
  u.id, u.username, u.is_superuser,
  COALESCE((SELECT json_agg(json_build_object('organisationId', m.organisation_id, 'role', m.role) ORDER BY m.organisation_id)
            FROM "OrganisationMembership" m WHERE m.user_id = u.id), '[]'::json) AS organisations,
  ARRAY(SELECT g.group_id FROM "GroupMembership" g WHERE g.user_id = u.id ORDER BY g.group_id) AS group_ids`;

function toPrincipal(row: PrincipalRow, scopes: string[]): UserPrincipal {
  // Drivers differ in whether they parse `json` columns; both forms are accepted.
  const organisations = typeof row.organisations === "string" ? (JSON.parse(row.organisations) as Exclude<PrincipalRow["organisations"], string>) : row.organisations;
  return {
    kind: "user",
    id: row.id,
    username: row.username,
    isSuperuser: row.is_superuser,
    organisations: organisations.map((m) => ({ organisationId: m.organisationId, role: m.role })),
    groupIds: row.group_ids.map(Number),
    scopes,
  };
}

/** Loads a user with their organisation roles and groups as a principal (one statement). */
export async function loadPrincipal(db: Db, where: { id: number } | { username: string }, scopes: string[] = []): Promise<UserPrincipal | null> {
  const match = "id" in where ? Prisma.sql`u.id = ${where.id}` : Prisma.sql`u.username = ${where.username}`;
  const [row] = await db.$queryRaw<PrincipalRow[]>`SELECT ${PRINCIPAL_COLUMNS} FROM "User" u WHERE ${match}`;
  return row ? toPrincipal(row, scopes) : null;
}

/**
 * The principal behind a presented API key, with the key's scopes, or null
 * when the key is malformed, unknown, wrong or revoked. The key row and its
 * user come in one statement; `last_used_at` is touched at most once a minute.
 */
export async function apiKeyPrincipal(db: Db, presented: string): Promise<UserPrincipal | null> {
  const parsed = parseApiKey(presented);
  if (!parsed) return null;
  const [row] = await db.$queryRaw<ApiKeyPrincipalRow[]>`
    SELECT k.id AS key_id, k.secret_hash, k.scopes, k.revoked_at, k.last_used_at, ${PRINCIPAL_COLUMNS}
    FROM "ApiKey" k JOIN "User" u ON u.id = k.user_id
    WHERE k.prefix = ${parsed.prefix}`;
  if (!row || row.revoked_at || !secretMatches(parsed.secret, row.secret_hash)) return null;
  // A write per request would dominate read traffic.
  if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > 60_000) {
    await db.apiKey.update({ where: { id: row.key_id }, data: { last_used_at: new Date() } });
  }
  return toPrincipal(row, row.scopes);
}
