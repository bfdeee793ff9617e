import express from "express";
import { pino } from "pino";
import { createAssetRouter, createTestDatabase, issueApiKey, type AssetPlugin, type Database } from "@assets/core";

/** A test logger that stays quiet unless LOG_LEVEL asks otherwise. */
export const testLogger = pino({ level: process.env.LOG_LEVEL ?? "silent" });

/** A fresh database and an Express app with the asset router at `mount`. */
export async function createTestApp(options: { mount?: string; plugins?: AssetPlugin[] } = {}) {
  const db: Database = await createTestDatabase();
  const app = express();
  app.use(options.mount ?? "/", createAssetRouter({ db, plugins: options.plugins, logger: testLogger }));
  return { db, app };
}

/** Creates a user (optionally superuser, with organisation roles) and returns an API key for them. */
export async function userWithKey(
  db: Database,
  username: string,
  options: { superuser?: boolean; organisations?: { id: number; role: "member" | "editor" | "admin" }[]; groups?: number[]; scopes?: string[] } = {},
) {
  const user = await db.prisma.user.create({
    data: {
      username,
      is_superuser: options.superuser ?? false,
      memberships: { create: (options.organisations ?? []).map((o) => ({ organisation_id: o.id, role: o.role })) },
      group_members: { create: (options.groups ?? []).map((group_id) => ({ group_id })) },
    },
  });
  const key = await issueApiKey(db.prisma, user.id, { scopes: options.scopes });
  return { user, key: key.secret, auth: { Authorization: `Bearer ${key.secret}` } };
}
