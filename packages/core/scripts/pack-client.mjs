// The packed @assets/core carries a Prisma client of the core's models only: this checkout's client
// (packages/core/src/generated/prisma) is composed with the repository's plugins and its test
// fixture, which a host must not receive. A host composes its own with assets-schema.
//
//   node scripts/pack-client.mjs swap      (prepack, after the build: dist gets the core-only client)
//   node scripts/pack-client.mjs restore   (postpack: dist gets this checkout's client back)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const coreDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = join(coreDir, ".pack"); // inside the package, so tsc finds @types/node; not in "files"
const distClient = join(coreDir, "dist", "generated", "prisma");
const kept = join(work, "checkout-client");

function run(command, args) {
  const result = spawnSync(command, args, { cwd: coreDir, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status ?? result.signal})`);
}

if (process.argv[2] === "swap") {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  run(process.execPath, ["bin/assets-schema.js", "--out", join(work, "schema"), "--client", join(work, "client")]);
  writeFileSync(
    join(work, "tsconfig.json"),
    JSON.stringify({ extends: "../tsconfig.build.json", compilerOptions: { rootDir: "client", outDir: "js" }, include: ["client"], exclude: [] }),
  );
  run(process.execPath, [join(coreDir, "..", "..", "node_modules", "typescript", "bin", "tsc"), "-p", join(work, "tsconfig.json")]);
  renameSync(distClient, kept);
  renameSync(join(work, "js"), distClient);
} else if (process.argv[2] === "restore") {
  if (existsSync(kept)) {
    rmSync(distClient, { recursive: true, force: true });
    renameSync(kept, distClient);
  }
  rmSync(work, { recursive: true, force: true });
} else {
  throw new Error("usage: pack-client.mjs swap|restore");
}
