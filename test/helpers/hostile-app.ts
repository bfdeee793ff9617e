import type { Express } from "express";
import type { Database } from "@assets/core";
import { apidatatoolsPlugin } from "@assets/apidatatools";
import { rasterSourcePlugin } from "@assets/raster-source";
import { createTestApp, userWithKey } from "./app.js";

/** Ids of the rows {@link hostileApp} seeds, so hostile requests also hit real rows. */
export interface HostileSeed {
  resourceId: number;
  sourceUuid: string;
  sourceId: number;
  uploadId: number;
  uploadUuid: string;
  orgId: number;
  orgUuid: string;
  groupId: number;
  userId: number;
  keyId: number;
}

/** An app with the raster-source and apidatatools plugins, three callers (superuser root, editor alice, bob) and a few rows. */
export async function hostileApp(): Promise<{
  db: Database;
  app: Express;
  rootAuth: Record<string, string>;
  aliceAuth: Record<string, string>;
  aliceKey: string;
  bobAuth: Record<string, string>;
  seeded: HostileSeed;
}> {
  const { db, app } = await createTestApp({ plugins: [rasterSourcePlugin(), apidatatoolsPlugin()] });
  const p = db.prisma;
  const org = await p.organisation.create({ data: { name: "Hostile org" } });
  const group = await p.group.create({ data: { name: "Hostile group", organisation_id: org.id } });
  const { auth: rootAuth } = await userWithKey(db, "root", { superuser: true });
  const alice = await userWithKey(db, "alice", { organisations: [{ id: org.id, role: "editor" }], groups: [group.id] });
  const { auth: bobAuth } = await userWithKey(db, "bob");
  const resource = await p.resource.create({ data: { name: "Plain", type: "resource", access_modifier: "Private", organisation_id: org.id, owner_id: alice.user.id } });
  const source = await p.resource.create({
    data: { name: "Raster", type: "raster_source", access_modifier: "Public", organisation_id: org.id, owner_id: alice.user.id, raster_source: { create: { supplier_code: "r1", projection: "EPSG:28992" } } },
    include: { raster_source: true },
  });
  const upload = await p.upload.create({ data: { filename: "a.tif", size: 10n, state: "committed", resource_id: source.id, uploader_id: alice.user.id } });
  const key = await p.apiKey.findFirstOrThrow({ where: { user_id: alice.user.id } });
  const seeded: HostileSeed = {
    resourceId: resource.id, sourceUuid: source.uuid, sourceId: source.id, uploadId: upload.id, uploadUuid: upload.uuid,
    orgId: org.id, orgUuid: org.uuid, groupId: group.id, userId: alice.user.id, keyId: key.id,
  };
  return { db, app, rootAuth, aliceAuth: alice.auth, aliceKey: alice.key, bobAuth, seeded };
}
