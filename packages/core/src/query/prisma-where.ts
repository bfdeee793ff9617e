import type { FieldSpec } from "./field-catalog.js";

/** A Prisma `where` object as the list compiler builds it (structural: it serves every model). */
export type PrismaWhere = Record<string, unknown>;

// Matches no row. Not `{ OR: [] }`: Prisma reads that as TRUE inside AND (prisma/prisma#17367).
export const NOTHING: PrismaWhere = { id: { in: [] } };

/** Wraps a scalar filter in its relation path: `{ organisation: { is: { name: … } } }`. */
export function nest(spec: FieldSpec, leaf: unknown): PrismaWhere {
  const last = spec.path.length - 1;
  let node: PrismaWhere = { ...(last > 0 ? spec.rowWhere : undefined), [spec.path[last]!]: leaf };
  for (let i = last - 1; i >= 0; i--) {
    node = { [spec.path[i]!]: spec.via?.[i] === "many" ? { some: node } : { is: node } };
  }
  return node;
}

/**
 * `text` as a LIKE pattern that matches itself only. Prisma builds
 * `contains`, `startsWith`, `endsWith` and case-insensitive `equals`/`not`
 * as (I)LIKE without escaping, so `%` and `_` would be wildcards and a
 * trailing `\` an invalid pattern. PostgreSQL's default LIKE escape is `\`.
 */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}
