import { execFileSync } from "node:child_process";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Express } from "express";
import request from "supertest";
import { UnrecoverableError, definePlugin, type Processor } from "@assets/core";

/** Polls `GET /uploads/:id` until the upload is committed or rejected. */
export async function waitForUpload(app: Express, auth: Record<string, string>, id: string | number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(app).get(`/uploads/${id}`).set(auth);
    const state = res.body.data?.attributes?.state;
    if (state === "committed" || state === "rejected") return res.body.data;
    if (Date.now() > deadline) throw new Error(`upload ${id} still ${state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every file under `dir` (relative paths), e.g. the objects and temporary files of a storage root. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

/** md5sum / sha256sum of a file, from the coreutils binaries (independent of our hashing). */
export function coreutilsDigests(path: string): { md5: string; sha256: string } {
  const digest = (tool: string) => execFileSync(tool, [path], { encoding: "utf8" }).split(" ")[0];
  return { md5: digest("md5sum"), sha256: digest("sha256sum") };
}

/**
 * A processor whose behaviour the upload's `notes` choose: `fail:N` throws on
 * the first N attempts, `always` always throws, `fatal` throws an
 * UnrecoverableError; otherwise it streams the file and counts its bytes.
 */
const noteProcessor: Processor = {
  name: "count-bytes",
  async run(ctx) {
    const notes = String((ctx.upload.metadata as Record<string, unknown>).notes ?? "");
    const failTimes = /^fail:(\d+)$/.exec(notes);
    if (failTimes && ctx.upload.attempts <= Number(failTimes[1])) throw new Error(`transient failure on attempt ${ctx.upload.attempts}`);
    if (notes === "always") throw new Error("the processor always fails");
    if (notes === "fatal") throw new UnrecoverableError("the file is corrupt beyond repair");
    let bytes = 0;
    for await (const chunk of await ctx.file.open()) bytes += (chunk as Buffer).length;
    await ctx.progress(100);
    return { bytes };
  },
};

/** A test plugin: `note` uploads (.txt, any content) make a resource; `png-image` only accepts sniffed PNGs. */
export const notesPlugin = definePlugin({
  name: "test-notes",
  types: [
    {
      key: "note",
      accepts: { extensions: [".txt"] },
      processors: [noteProcessor],
      async commit(tx, { upload, results }) {
        const resource = await tx.resource.create({
          data: { type: "note", name: upload.filename, owner_id: upload.uploader_id, extra_metadata: { counted: (results["count-bytes"] as { bytes: number }).bytes } },
        });
        return { resourceId: resource.id };
      },
    },
    { key: "png-image", accepts: { mimeTypes: ["image/png"], extensions: [".png"] }, maxUploadSize: 4096, processors: [] },
  ],
});
