import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));

describe("the assets command", () => {
  it("is linked by npm install from a tracked file, not from a build output", async () => {
    const pkg = JSON.parse(await readFile(new URL("../packages/server/package.json", import.meta.url), "utf8")) as { bin: Record<string, string> };
    const bin = `packages/server/${pkg.bin.assets.replace(/^\.\//, "")}`;
    expect(bin).not.toMatch(/\/dist\//);
    const { stdout } = await run("git", ["ls-files", "--error-unmatch", bin], { cwd: root });
    expect(stdout.trim()).toBe(bin);
  });

  it("answers --help through npx without a build", async () => {
    const { stdout } = await run("npx", ["--no-install", "assets", "--help"], { cwd: root, env: { ...process.env, NODE_OPTIONS: "" } });
    expect(stdout).toContain("usage: assets <command>");
    expect(stdout).toContain("create-api-key");
  });
});
