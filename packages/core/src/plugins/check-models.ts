import { AppError } from "../errors/index.js";
import { sqlModel } from "../query/sql/model-map.js";
import type { AssetPlugin } from "./types.js";

/**
 * Each asset type's own record (`relation`) must be in the Prisma client the database was opened
 * with: a host that installed a plugin with models composes its client with it (`assets-schema`).
 * Without this, the first upload of that type would fail deep inside Prisma.
 */
export function checkPluginModels(plugins: readonly AssetPlugin[]): void {
  const resource = sqlModel("Resource").fields;
  for (const plugin of plugins) {
    for (const type of plugin.types ?? []) {
      if (!type.relation || resource[type.relation]?.kind === "object") continue;
      throw new AppError(
        "PLUGIN_MODELS_NOT_IN_CLIENT",
        500,
        `Asset type '${type.key}' of plugin '${plugin.name}' keeps its record in Resource.${type.relation}, which the Prisma client lacks: ` +
          "compose the client with the plugin's models (npx assets-schema <the plugin's package or directory>...)",
      );
    }
  }
}
