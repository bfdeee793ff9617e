import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { issueApiKey, type Database } from "@assets/core";

const DEMO_RESOURCES = [
  { name: "Demo elevation model (AHN)", description: "Digital elevation model, 0.5 m", access_modifier: "Public", tags: ["dem", "elevation"] },
  { name: "Demo land use map", description: "Land use classes of the demo region", access_modifier: "Public", tags: ["landuse"] },
  { name: "Demo rainfall radar", description: "5-minute precipitation, temporal", access_modifier: "Common", tags: ["rain", "temporal"] },
  { name: "Demo groundwater levels", description: "Private dataset of the demo organisation", access_modifier: "Private", tags: ["groundwater"] },
  { name: "Internal demo draft", description: "Hidden work in progress", access_modifier: "Hidden", tags: [] },
] as const;

/** Result of seeding: the demo admin key, when this run created one. */
export interface SeedResult {
  created: boolean;
  apiKey?: string;
}

/**
 * Seeds a demo organisation, an admin user and a few resources once (when the
 * database has no users yet), and returns a new admin API key.
 */
export async function seedDemo(db: Database): Promise<SeedResult> {
  if ((await db.prisma.user.count()) > 0) return { created: false };
  const organisation = await db.prisma.organisation.create({ data: { name: "Demo Organisation" } });
  const admin = await db.prisma.user.create({
    data: { username: "demo", email: "demo@example.org", is_superuser: true, memberships: { create: { organisation_id: organisation.id, role: "admin" } } },
  });
  for (const resource of DEMO_RESOURCES) {
    await db.prisma.resource.create({ data: { ...resource, tags: [...resource.tags], type: "resource", organisation_id: organisation.id, owner_id: admin.id } });
  }
  const key = await issueApiKey(db.prisma, admin.id, { name: "demo" });
  return { created: true, apiKey: key.secret };
}

/**
 * Embedded mode keeps the demo key in DATA_DIR so every start can print it;
 * a production database never has its keys written to disk.
 */
export function rememberDemoKey(dataDir: string, seed: SeedResult): string | undefined {
  const file = join(dataDir, "demo-api-key.txt");
  if (seed.apiKey) writeFileSync(file, `${seed.apiKey}\n`, { mode: 0o600 });
  return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
}
