import { AppError } from "../errors/index.js";
import type { FieldCatalog } from "../query/field-catalog.js";
import { checkPluginFields } from "./check-fields.js";
import { checkDependencies } from "./dependencies.js";
import { checkPluginModels } from "./check-models.js";
import type { AssetPlugin, AssetTypeDefinition } from "./types.js";
import type { JobKind } from "../uploads/processing/job-kind.js";
import { PROCESS_UPLOAD } from "../uploads/upload-states.js";

/** The plugins of one router, checked once at registration. */
export class PluginRegistry {
  readonly plugins: readonly AssetPlugin[];
  readonly types: ReadonlyMap<string, AssetTypeDefinition>;
  /** Every plugin's job kinds, by `kind`. */
  readonly jobKinds: ReadonlyMap<string, JobKind>;

  constructor(plugins: readonly AssetPlugin[]) {
    const names = new Set<string>();
    for (const plugin of plugins) {
      if (names.has(plugin.name)) throw new AppError("PLUGIN_DUPLICATE", 500, `Plugin '${plugin.name}' is registered twice`);
      names.add(plugin.name);
    }
    checkDependencies(plugins);
    const types = new Map<string, AssetTypeDefinition>();
    for (const type of plugins.flatMap((p) => p.types ?? [])) {
      if (types.has(type.key)) throw new AppError("PLUGIN_DUPLICATE_TYPE", 500, `Asset type '${type.key}' is defined twice`);
      types.set(type.key, type);
    }
    const jobKinds = new Map<string, JobKind>();
    for (const kind of plugins.flatMap((p) => p.jobs ?? [])) {
      if (jobKinds.has(kind.kind) || kind.kind === PROCESS_UPLOAD) throw new AppError("PLUGIN_DUPLICATE_JOB_KIND", 500, `Job kind '${kind.kind}' is defined twice`);
      jobKinds.set(kind.kind, kind);
    }
    checkPluginFields(plugins);
    checkPluginModels(plugins);
    this.plugins = plugins;
    this.types = types;
    this.jobKinds = jobKinds;
  }

  /** The resource catalog extended with every type's own fields. */
  resourceFields(base: FieldCatalog): FieldCatalog {
    const merged: Record<string, FieldCatalog[string]> = { ...base };
    for (const type of this.types.values()) {
      for (const [name, spec] of Object.entries(type.fields ?? {})) {
        const existing = merged[name];
        if (existing && existing.path.join(".") !== spec.path.join(".")) {
          throw new AppError("PLUGIN_FIELD_CONFLICT", 500, `Field '${name}' of type '${type.key}' clashes with another field`);
        }
        merged[name] = spec;
      }
    }
    return merged;
  }

  /** Prisma `include` for every type's own record. */
  resourceInclude(): Record<string, true> {
    const include: Record<string, true> = {};
    for (const type of this.types.values()) if (type.relation) include[type.relation] = true;
    return include;
  }
}
