import { Prisma } from "../generated/prisma/client.js";

/**
 * True for a unique-constraint violation. The pg adapter reports Prisma's
 * P2002; the PGlite adapter passes the raw DriverAdapterError with SQLSTATE 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === "P2002";
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return cause?.code === "23505";
}
