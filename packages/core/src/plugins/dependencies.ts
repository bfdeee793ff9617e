import { AppError } from "../errors/index.js";
import type { AssetPlugin } from "./types.js";

/**
 * Holds each plugin's `dependsOn` against the list: every dependency must be registered, and
 * listed before the plugin that needs it, because migrations, `init` and route mounting run in
 * list order (a dependent's migrations, init and processors may use its dependency's tables and
 * code). Throws PLUGIN_MISSING_DEPENDENCY or PLUGIN_DEPENDENCY_ORDER, naming both plugins.
 */
export function checkDependencies(plugins: readonly Pick<AssetPlugin, "name" | "dependsOn">[]): void {
  const position = new Map(plugins.map((plugin, index) => [plugin.name, index]));
  plugins.forEach((plugin, index) => {
    for (const dependency of plugin.dependsOn ?? []) {
      const at = position.get(dependency);
      if (at === undefined) {
        throw new AppError(
          "PLUGIN_MISSING_DEPENDENCY",
          500,
          `Plugin '${plugin.name}' needs plugin '${dependency}', which is not registered: add the '${dependency}' plugin to the list, before '${plugin.name}'`,
        );
      }
      if (at > index) {
        throw new AppError(
          "PLUGIN_DEPENDENCY_ORDER",
          500,
          `Plugin '${plugin.name}' needs plugin '${dependency}', which is registered after it: list '${dependency}' before '${plugin.name}' (migrations, init and routes run in list order)`,
        );
      }
    }
  });
}
