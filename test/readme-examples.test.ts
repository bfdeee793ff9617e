// Replays the documentation's ```bash replay blocks against a server: the
// standalone server's app and plugins over a test database, a temporary
// working directory laid out as after `npm start` (.data/demo-api-key.txt)
// with a GeoTIFF as map.tif. A block passes when every command in it succeeds
// (bash -e, curl -f); values are checked against the fixture's GDAL truth.
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type Database } from "@assets/core";
import { buildApp, seedDemo, serverPlugins } from "@assets/server";
import { createTestPipeline, testLogger } from "./helpers/app.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const RASTER = fileURLToPath(new URL("../../shared/fixtures/rasters/rd_f4_nodata-9999.tif", import.meta.url));
const TRUTH = fileURLToPath(new URL("../../shared/fixtures/rasters/truth.json", import.meta.url));

async function replayBlocks(file: string): Promise<string[]> {
  const text = await readFile(join(root, file), "utf8");
  return [...text.matchAll(/```bash replay\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function runBash(script: string, cwd: string, api: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile("bash", ["-euo", "pipefail", "-c", script], { cwd, env: { ...process.env, API: api }, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

describe("the documentation's examples, replayed against a server", () => {
  let db: Database;
  let server: Server;
  let api: string;
  let cwd: string;

  beforeAll(async () => {
    db = await createTestDatabase({ plugins: serverPlugins() });
    const pipeline = await createTestPipeline(db, { plugins: serverPlugins() });
    server = buildApp(pipeline, testLogger).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const seed = await seedDemo(db);
    cwd = await mkdtemp(join(tmpdir(), "assets-readme-"));
    await mkdir(join(cwd, ".data"));
    await writeFile(join(cwd, ".data", "demo-api-key.txt"), `${seed.apiKey}\n`);
    await copyFile(RASTER, join(cwd, "map.tif"));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await db.close();
    await rm(cwd, { recursive: true, force: true });
  });

  it("README.md: a resource (a bare JSON body is a 400), lists with all_in, a multipart upload with its metadata", async () => {
    const [block] = await replayBlocks("README.md");
    const run = await runBash(block!, cwd, api);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"code":"INVALID_BODY"');
    expect(run.stdout).toContain('"pointer":"/data/type"');
    const uploads = await db.prisma.upload.findMany({ where: { resource: { name: "Rotterdam elevation" } } });
    expect(uploads).toHaveLength(1);
    expect(uploads[0]).toMatchObject({ state: "committed", metadata: { author: "Ada Lovelace", copyright: "CC BY 4.0", notes: "first survey", tags: ["survey", "2024"] } });
  });

  it("plugins/raster-source/README.md: organisation required, the data upload and its task, the grid, windows", async () => {
    const [block] = await replayBlocks("plugins/raster-source/README.md");
    const run = await runBash(block!, cwd, api);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines).toContain('{"organisation":["This field is required."]}');
    expect(lines).toContain("task: SUCCESS");
    const truth = (JSON.parse(await readFile(TRUTH, "utf8")) as { files: Record<string, unknown>[] }).files.find((f) => f.file === "rd_f4_nodata-9999.tif")!;
    const grid = JSON.parse(lines.find((l) => l.startsWith('{"projection"'))!) as Record<string, unknown>;
    for (const key of ["projection", "origin_x", "origin_y", "upper_bound_x", "upper_bound_y", "pixelsize_x", "pixelsize_y", "width", "height", "dtype"]) {
      expect([key, grid[key]]).toEqual([key, truth[key]]);
    }
    const window = JSON.parse(lines.find((l) => l.startsWith('{"width":4'))!) as { data: number[][] };
    expect(window.data).toHaveLength(3);
    expect(window.data.every((row) => row.length === 4)).toBe(true);
    const png = await readFile(join(cwd, "window.png"));
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  });
});
