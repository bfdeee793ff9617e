import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Express } from "express";
import sharp from "sharp";
import request from "supertest";
import type { Database } from "@assets/core";

type Auth = Record<string, string>;

/** ImageMagick's view of an image file: width, height and format, the truth the profile is compared with. */
export function identify(path: string): { width: number; height: number; format: string } {
  const [width, height, format] = execFileSync("identify", ["-format", "%w %h %m\n", path], { encoding: "utf8" }).split("\n")[0]!.split(" ");
  return { width: Number(width), height: Number(height), format: format!.toLowerCase() };
}

/** The md5 of a file as coreutils computes it. */
export function md5sum(path: string): string {
  return execFileSync("md5sum", [path], { encoding: "utf8" }).split(" ")[0]!;
}

/** Writes a solid-colour image made by sharp; returns its path. */
export async function solidImage(dir: string, name: string, width: number, height: number, format: "png" | "jpeg" | "webp" = "png"): Promise<string> {
  const path = join(dir, name);
  await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 50, b: 20 } } })[format]().toFile(path);
  return path;
}

/** Writes a small file that is not an image; returns its path. */
export async function plainFile(dir: string, name: string, text = "%PDF-1.4\n% not really a document\n"): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

/**
 * Uploads a file as an image asset through the core's multipart route and waits until the
 * pipeline committed it; returns the asset's (Resource) id.
 */
export async function ingestAsset(app: Express, db: Database, auth: Auth, path: string, fields: Record<string, string> = {}): Promise<number> {
  const req = request(app).post("/uploads").set(auth).field("type", "image_asset");
  for (const [name, value] of Object.entries(fields)) req.field(name, value);
  const res = await req.attach("file", path);
  if (res.status !== 202) throw new Error(`upload of ${path} answered ${res.status}: ${res.text}`);
  const uploadId = Number(res.body.data.id);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const upload = await db.prisma.upload.findUniqueOrThrow({ where: { id: uploadId } });
    if (upload.state === "committed" && upload.resource_id !== null) return upload.resource_id;
    if (upload.state === "rejected") throw new Error(`upload of ${path} was rejected: ${upload.state_detail}`);
    if (Date.now() > deadline) throw new Error(`upload of ${path} still ${upload.state}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
