/** The access levels of a resource, from most to least visible (Lizard's names). */
export const ACCESS_MODIFIERS = ["Public", "Common", "Private", "Hidden"] as const;
export type AccessModifierName = (typeof ACCESS_MODIFIERS)[number];

const BY_NUMBER: Record<string, AccessModifierName> = { "0": "Public", "100": "Common", "200": "Private", "300": "Hidden" };
const BY_LOWER = Object.fromEntries(ACCESS_MODIFIERS.map((name) => [name.toLowerCase(), name])) as Record<string, AccessModifierName>;

/** Accepts an access modifier by name (any case) or by Lizard's number. */
export function normalizeAccessModifier(raw: string): string {
  return BY_NUMBER[raw.trim()] ?? BY_LOWER[raw.trim().toLowerCase()] ?? raw;
}

/** Lizard's number of an access modifier. */
export const ACCESS_MODIFIER_NUMBER: Record<AccessModifierName, number> = { Public: 0, Common: 100, Private: 200, Hidden: 300 };
