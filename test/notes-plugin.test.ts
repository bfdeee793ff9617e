// The plugin guide's example (docs/plugins.md), kept as a package outside plugins/
// (test/fixtures/notes-plugin): the guide shows its source verbatim, tsc compiles
// it, and it runs: its own table (composed schema + its migrations), processors,
// list fields and a router of its own.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import request from "supertest";
import type { Express } from "express";
import type { Database } from "@assets/core";
import { notesPlugin } from "./fixtures/notes-plugin/src/index.js";
import { createTestApp, userWithKey } from "./helpers/app.js";
import { waitForUpload } from "./helpers/pipeline.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const read = (path: string) => readFile(new URL(path, import.meta.url), "utf8");

describe("the plugin guide", () => {
  it("shows the example plugin's source, its model and its migration verbatim", async () => {
    const guide = await read("../docs/plugins.md");
    const blocks = [...guide.matchAll(/```(?:ts|prisma|sql)\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toContain(await read("./fixtures/notes-plugin/src/index.ts"));
    expect(blocks).toContain(await read("./fixtures/notes-plugin/prisma/schema/notes.prisma"));
    expect(blocks).toContain(await read("./fixtures/notes-plugin/prisma/migrations/20261203080000_notes/migration.sql"));
  });

  it("compiles with tsc against @assets/core's published declarations, emitting its own (no TS2742)", async () => {
    const run = promisify(execFile);
    // The declarations a plugin package compiles against: the core's build, made fresh.
    await run("npm", ["run", "--silent", "build", "--workspace", "@assets/core"], { cwd: root });
    const tsc = run("npx", ["--no-install", "tsc", "-p", "test/fixtures/notes-plugin/tsconfig.json"], { cwd: root });
    await expect(tsc).resolves.toMatchObject({ stdout: "", stderr: "" });
  }, 240_000);
});

describe("the notes plugin from the guide, outside plugins/", () => {
  let db: Database;
  let app: Express;
  let auth: Record<string, string>;

  beforeAll(async () => {
    ({ db, app } = await createTestApp({ plugins: [notesPlugin()] }));
    ({ auth } = await userWithKey(db, "writer"));
  });
  afterAll(async () => {
    await db.close();
  });

  it("has its migration applied and recorded under the plugin's name", async () => {
    const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string }[]>(`SELECT migration_name FROM "_prisma_migrations" WHERE migration_name LIKE 'notes/%'`);
    expect(rows.map((r) => r.migration_name)).toEqual(["notes/20261203080000_notes"]);
  });

  it("turns an uploaded text into a note with its word count, filterable and sortable", async () => {
    for (const [name, text] of [["short.md", "three little words"], ["long.txt", "one two three four five\nsix seven"]]) {
      const up = await request(app).post("/uploads").set(auth).attach("file", Buffer.from(text), name);
      expect(up.status).toBe(202);
      expect((await waitForUpload(app, auth, up.body.data.id)).attributes.state).toBe("committed");
    }
    const notes = await request(app).get("/resources").query({ "filter[fields][words][gt]": "2", order_by: "words_DESC" }).set(auth);
    expect(notes.status).toBe(200);
    expect(notes.body.data.map((r: { type: string; attributes: { name: string; words: number } }) => [r.type, r.attributes.name, r.attributes.words])).toEqual([
      ["note", "long.txt", 7],
      ["note", "short.md", 3],
    ]);
    const longest = await request(app).get("/notes-api/longest").set(auth);
    expect(longest.body).toEqual({ name: "long.txt", words: 7 });
  });

  it("rejects a note with no words, with the processor's reason", async () => {
    const up = await request(app).post("/uploads").set(auth).attach("file", Buffer.from(" \n\t "), "blank.txt");
    const upload = await waitForUpload(app, auth, up.body.data.id);
    expect(upload.attributes).toMatchObject({ state: "rejected", state_detail: "count-words: The note has no words" });
  });

  it("answers its own route with a 404 to a caller who may read no note", async () => {
    const res = await request(app).get("/notes-api/longest");
    expect(res.status).toBe(404);
  });
});
