/**
 * Region names for GeoNode's `regions` (`{code, name}`). A dataset stores its
 * region codes; a code ICU knows (ISO 3166 alpha-2 such as "NL", UN M49 such
 * as "150" or "001") is named in English through `Intl.DisplayNames`, offline;
 * any other code (GeoNode's alpha-3 "NLD", "GLO") is its own name.
 */
const NAMES = new Intl.DisplayNames(["en"], { type: "region", fallback: "code" });

/** The English name of a region code, or the code itself. */
export function regionName(code: string): string {
  if (!/^([A-Za-z]{2}|\d{3})$/.test(code)) return code;
  try {
    return NAMES.of(code.toUpperCase()) ?? code;
  } catch {
    // Intl rejects well-formed codes it has no entry for as invalid arguments: the code names itself.
    return code;
  }
}
