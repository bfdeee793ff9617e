import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { mkdirSync } from "node:fs";

const url = process.env.DATABASE_URL;
process.env.DATABASE_URL ??= "postgresql://embedded"; // the schema's env() must resolve in embedded mode too
const dataDir = process.env.DATA_DIR ?? "./.data";

export default defineConfig({
  schema: "packages/core/prisma/composed", // written by assets-schema (npm run prisma:generate)
  migrations: { path: "packages/core/prisma/migrations" },
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => {
    if (url) return new PrismaPg({ connectionString: url });
    mkdirSync(dataDir, { recursive: true });
    return new PrismaPGlite(new PGlite(`${dataDir}/db`, { extensions: { pg_trgm } }));
  },
});
