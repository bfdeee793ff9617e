import type { Express } from "express";
import request from "supertest";
import type { AssetPlugin, Database, Pipeline, Upload } from "@assets/core";
import { imageAssetPlugin } from "@assets/image-asset";
import { makeFixtures, type Fixtures } from "../../plugins/image-asset/src/processing/__tests__/fixtures.js";
import { createTestApp, userWithKey } from "./app.js";
import { waitForUpload } from "./pipeline.js";

/** The upload as GET /uploads/:id renders it. */
export type UploadDocument = Awaited<ReturnType<typeof waitForUpload>>;

/** An app with the image-asset plugin, the plugin's test images, and an uploader's key. */
export interface ImageTestServer {
  fixtures: Fixtures;
  db: Database;
  app: Express;
  pipeline: Pipeline & { root: string };
  auth: Record<string, string>;
  /** Uploads a fixture as an image asset (multipart fields beside it) until it is committed or rejected. */
  upload(name: string, fields?: Record<string, string>, filename?: string): Promise<{ done: UploadDocument; row: Upload }>;
  close(): Promise<void>;
}

export async function serveImages(plugin: AssetPlugin = imageAssetPlugin()): Promise<ImageTestServer> {
  const fixtures = await makeFixtures();
  const { db, app, pipeline } = await createTestApp({ plugins: [plugin] });
  const { auth } = await userWithKey(db, "uploader");
  return {
    fixtures, db, app, pipeline, auth,
    async upload(name, fields = {}, filename = name) {
      const req = request(app).post("/uploads").set(auth).field("type", "image_asset");
      for (const [field, value] of Object.entries(fields)) req.field(field, value);
      const res = await req.attach("file", fixtures.path(name), filename);
      if (res.status !== 202) throw new Error(`upload of ${name}: ${res.status} ${JSON.stringify(res.body)}`);
      const done = await waitForUpload(app, auth, res.body.data.id, 60_000);
      return { done, row: await db.prisma.upload.findUniqueOrThrow({ where: { id: Number(res.body.data.id) } }) };
    },
    async close() {
      await db.close();
      fixtures.dispose();
    },
  };
}
