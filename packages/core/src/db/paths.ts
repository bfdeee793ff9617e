import { fileURLToPath } from "node:url";

/**
 * The migrations this package ships, `prisma/migrations` inside it (the same
 * depth from src/ and dist/, so it holds in a checkout and in node_modules).
 */
export const defaultMigrationsDir = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));
