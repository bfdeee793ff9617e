import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { PrismaClient } from "../generated/prisma/client.js";
import { registerModelMap, type ModelMap } from "../query/sql/model-map.js";

/** The name of the model map `assets-schema` writes beside a client it generates for a host. */
export const MODEL_MAP_FILE = "assets-model-map.json";

/** A Prisma client class: the core's own, or one generated for a host by `assets-schema`. */
export type PrismaClientClass = new (options: ConstructorParameters<typeof PrismaClient>[0]) => PrismaClient;


function isClientModule(value: unknown): value is { PrismaClient: PrismaClientClass } {
  return typeof value === "object" && value !== null && "PrismaClient" in value && typeof value.PrismaClient === "function";
}

function isModelMap(value: unknown): value is ModelMap {
  return typeof value === "object" && value !== null && Object.values(value).every((m) => typeof m === "object" && m !== null && "table" in m && "fields" in m);
}

const require = createRequire(import.meta.url);
const loaded = new Map<string, PrismaClientClass>();

/**
 * The directory of the client `assets-schema` generated for the host that installed this package
 * (Prisma's default place, `node_modules/.prisma/client`, marked by its model map), if any.
 */
function hostClientDir(): string | undefined {
  try {
    return dirname(require.resolve(`.prisma/client/${MODEL_MAP_FILE}`));
  } catch {
    return undefined;
  }
}

/**
 * The Prisma client class to open databases with: the one generated into `dir`, else the host's
 * (see `hostClientDir`), else the core's own, which knows the core's models only. A host client's
 * models (the core's and its plugins') join the SQL list path's model map.
 */
export function prismaClientClass(dir?: string): PrismaClientClass {
  const found = dir ? resolve(dir) : hostClientDir();
  if (!found) return PrismaClient;
  const known = loaded.get(found);
  if (known) return known;
  const mapFile = join(found, MODEL_MAP_FILE);
  if (!existsSync(mapFile)) throw new Error(`${found} is not a client written by assets-schema (no ${MODEL_MAP_FILE})`);
  const map: unknown = JSON.parse(readFileSync(mapFile, "utf8"));
  const client: unknown = require(join(found, "index.js"));
  if (!isModelMap(map) || !isClientModule(client)) throw new Error(`${found} does not hold a Prisma client and its model map`);
  registerModelMap(map);
  loaded.set(found, client.PrismaClient);
  return client.PrismaClient;
}
