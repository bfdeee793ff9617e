import { spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serverPlugins } from "./plugins.js";

/** The package directories of the server's plugins that bring Prisma models (`prisma/schema` beside their migrations). */
export function pluginSchemaDirs(): string[] {
  return serverPlugins()
    .flatMap((plugin) => (plugin.migrations ? [dirname(dirname(plugin.migrations))] : []))
    .filter((dir) => existsSync(join(dir, "prisma", "schema")));
}

/**
 * `assets schema [plugin...]`: composes the core's models with those of the server's plugins (and of
 * any further plugin packages or directories given) and generates the host's Prisma client, through
 * the core's `assets-schema`. In a checkout of the repository, `npm run prisma:generate` does it.
 */
export function composeSchema(extra: readonly string[]): number {
  const coreDir = dirname(dirname(realpathSync(fileURLToPath(import.meta.resolve("@assets/core")))));
  if (!coreDir.split(/[\\/]/).includes("node_modules")) {
    process.stderr.write("assets schema: @assets/core is a checkout here; run npm run prisma:generate\n");
    return 2;
  }
  const result = spawnSync(process.execPath, [join(coreDir, "bin", "assets-schema.js"), ...pluginSchemaDirs(), ...extra], { stdio: "inherit" });
  return result.status ?? 1;
}
