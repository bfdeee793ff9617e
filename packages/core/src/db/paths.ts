import { fileURLToPath } from "node:url";

/** `prisma/migrations` at the repository root (same depth from src/ and dist/). */
export const defaultMigrationsDir = fileURLToPath(new URL("../../../../prisma/migrations", import.meta.url));
